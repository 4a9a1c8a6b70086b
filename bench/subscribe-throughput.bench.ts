// Section 3: subscribe throughput of this package's validated dispatch (createSubscriber().handle)
// against a raw ioredis `message` listener doing JSON.parse, on the same stream, for three
// subscribers: dedup off for the channel, the default dedup window (by event_id), and byBody
// (messages without event_id, keyed by a SHA-1 of the body). The subscriber under test is blocked
// (spawnSync) while a child process publishes the whole stream, so when it resumes every message
// is already waiting in its socket and Redis's output buffer: the time to drain them is the
// subscriber's own cost, not the producer's. Each round measures raw and every variant in turn.
import { spawnSync } from "node:child_process";
import { createSubscriber, type Subscriber, type SubscriberOptions } from "../src/subscriber/index.js";
import { nodeArgsFor, repoRoot } from "./support/paths.js";
import { clientOptions, connectedClient, type RedisServerHandle } from "./support/redis.js";
import type { Cell, SectionResult } from "./support/report.js";
import { ratio } from "./support/report.js";
import { median, now, round } from "./support/stats.js";

const ADDRESS = "price.updated.AAPL";

export interface SubscribeThroughputOptions {
  readonly messages?: number;
  readonly rounds?: number;
}

interface Variant {
  readonly name: string;
  readonly options: Partial<SubscriberOptions>;
  /** Whether the published messages carry an event_id. */
  readonly eventIds: boolean;
  readonly target: number;
}

const VARIANTS: readonly Variant[] = [
  {
    name: "dedup off for the channel",
    options: { dedup: { channels: { "price.updated.{symbol}": false } } },
    eventIds: true,
    target: 0.8,
  },
  { name: "dedup window (event_id, default)", options: {}, eventIds: true, target: 0.7 },
  {
    name: "dedup byBody (no event_id, SHA-1)",
    options: { dedup: { byBody: true } },
    eventIds: false,
    target: 0.7,
  },
];

export async function benchSubscribeThroughput(
  server: RedisServerHandle,
  options: SubscribeThroughputOptions = {},
): Promise<SectionResult> {
  const messages = options.messages ?? 50_000;
  const rounds = options.rounds ?? 5;

  // Each handler counts what it receives and resolves the pending drain once its target is reached.
  let count = 0;
  let target = Number.POSITIVE_INFINITY;
  let reached: (() => void) | undefined;
  const received = () => {
    count += 1;
    if (count === target) reached?.();
  };
  const errors: Error[] = [];

  const rawClient = await connectedClient(clientOptions(server, false));
  rawClient.on("message", (_channel: string, message: string) => {
    const event = JSON.parse(message) as { symbol?: unknown };
    if (event.symbol === "AAPL") received();
  });
  const subscribers: Subscriber[] = VARIANTS.map((variant) => {
    // No heartbeat: a PING queued behind a whole burst (this process is blocked while it is published)
    // would time out on a loaded machine and reconnect mid-drain.
    const subscriber = createSubscriber({
      connection: clientOptions(server, false),
      heartbeat: false,
      ...variant.options,
    });
    subscriber.on("error", (error) => errors.push(error));
    return subscriber;
  });

  /** Publishes `messages` while this process is blocked, then times how long the listening side takes to handle them. */
  const drain = async (messages: number, eventIds: boolean): Promise<number> => {
    count = 0;
    target = messages;
    const done = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const producer = spawnSync(
      process.execPath,
      [
        ...nodeArgsFor("support/publish-burst"),
        String(server.port),
        ADDRESS,
        String(messages),
        eventIds ? "ids" : "no-ids",
      ],
      { cwd: repoRoot, encoding: "utf8" },
    );
    if (producer.status !== 0) throw new Error(`producer failed (${producer.status}): ${producer.stderr}`);
    const started = now();
    const timeout = setTimeout(() => errors.push(new Error(`received ${count} of ${messages}`)), 120_000);
    await done;
    clearTimeout(timeout);
    return (messages * 1000) / (now() - started);
  };

  // ratios[v][r]: variant v ÷ raw in round r, each against the raw drain of the same round.
  const ratios: number[][] = VARIANTS.map(() => []);
  const rates: { raw: number[]; variants: number[][] } = { raw: [], variants: VARIANTS.map(() => []) };
  try {
    // Round 0 warms up every side and is not reported. One side listens at a time.
    for (let i = 0; i <= rounds; i++) {
      const size = i === 0 ? Math.min(5_000, messages) : messages;
      await rawClient.subscribe(ADDRESS);
      const raw = await drain(size, true);
      await rawClient.unsubscribe(ADDRESS);
      for (const [v, variant] of VARIANTS.entries()) {
        const unsubscribe = await (subscribers[v] as Subscriber).handle(
          "price.updated.{symbol}",
          (event) => {
            if (event.symbol === "AAPL") received();
          },
          { symbols: ["AAPL"] },
        );
        const ours = await drain(size, variant.eventIds);
        await unsubscribe();
        if (i > 0) {
          ratios[v]?.push(ours / raw);
          rates.variants[v]?.push(round(ours));
        }
      }
      if (i > 0) rates.raw.push(round(raw));
    }
  } finally {
    await Promise.all(subscribers.map((s) => s.close()));
    rawClient.disconnect();
  }
  if (errors.length > 0) throw new Error(`subscriber errors: ${errors.map((e) => e.message).join("; ")}`);
  const stats = subscribers.map((s) => s.stats());

  const rawRate = median(rates.raw);
  const rows: Cell[][] = VARIANTS.map((variant, v) => {
    const variantRatios = ratios[v] as number[];
    return [
      variant.name,
      round(rawRate),
      round(median(rates.variants[v] as number[])),
      ratio(median(variantRatios), 1),
      `${round(Math.min(...variantRatios), 2)}–${round(Math.max(...variantRatios), 2)}×`,
    ];
  });
  return {
    id: "subscribe-throughput",
    title: "3. Subscribe throughput",
    tables: [
      {
        title: "3. Subscribe throughput, messages/s (median of rounds)",
        columns: [
          "createSubscriber().handle",
          "raw ioredis `message` + JSON.parse",
          "subscriber",
          "subscriber ÷ raw (median)",
          "spread (min–max)",
        ],
        rows,
        notes: [
          `${messages.toLocaleString("en-US")} valid price updates per round on ${ADDRESS}, ${rounds} rounds, each round draining raw then every variant; the ratio is taken per round against that round's raw drain. ` +
            "The subscriber checks size, UTF-8, JSON (secure-json-parse), the tolerant contract and the channel parameter. " +
            "With event_id (a fresh uuid each) for the first two variants, without for byBody; no message was invalid or a duplicate " +
            `(${stats.map((s) => `${s.invalid} invalid, ${s.duplicates} duplicates`).join("; ")}).`,
        ],
      },
    ],
    targets: VARIANTS.map((variant, v) => {
      const measured = median(ratios[v] as number[]);
      return {
        target: `subscriber ≥ ${variant.target}× raw ioredis (${variant.name})`,
        measured: `${round(measured, 2)}×`,
        met: measured >= variant.target,
      };
    }),
    data: { messages, rounds, rates, ratios, subscriberStats: stats },
  };
}
