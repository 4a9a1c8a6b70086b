// Section 4: end-to-end latency at a fixed offered rate, from publish() to the handler, for this
// package's publisher + subscriber and for raw ioredis publish + a raw `message` listener. Both ends
// run in this process (one clock); messages are sent open-loop on a 1 ms timer, so a slow message
// does not delay the schedule of the next ones.
import { randomUUID } from "node:crypto";
import { channels, type PriceUpdateEvent } from "../generated/index.js";
import { createPublisher } from "../src/publisher/index.js";
import { createSubscriber } from "../src/subscriber/index.js";
import { clientOptions, connectedClient, type RedisServerHandle } from "./support/redis.js";
import type { Cell, SectionResult } from "./support/report.js";
import { now, quantile, round } from "./support/stats.js";

const ADDRESS = "price.updated.AAPL";

export interface LatencyOptions {
  /** Offered rate, messages per second. */
  readonly rate?: number;
  readonly seconds?: number;
  /** Not recorded: JIT and connections warm up. */
  readonly warmupSeconds?: number;
}

interface Summary {
  readonly messages: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

type Send = (payload: PriceUpdateEvent) => void;

export async function benchLatency(
  server: RedisServerHandle,
  options: LatencyOptions = {},
): Promise<SectionResult> {
  const rate = options.rate ?? 5_000;
  const seconds = options.seconds ?? 8;
  const warmupSeconds = options.warmupSeconds ?? 1;
  const example = channels["price.updated.{symbol}"].examples[0]?.payload;
  if (example === undefined) throw new Error("the spec has no price.updated example");
  const base: PriceUpdateEvent = { ...example, symbol: "AAPL" };

  const raw = await measureRaw(server, base, rate, seconds, warmupSeconds);
  const ours = await measurePackage(server, base, rate, seconds, warmupSeconds);

  const row = (label: string, s: Summary): Cell[] => [label, s.messages, s.p50, s.p99, s.p999, s.max];
  return {
    id: "latency",
    title: "4. End-to-end latency",
    tables: [
      {
        title: `4. End-to-end latency at ${rate.toLocaleString("en-US")} msg/s offered, publish() to handler, µs`,
        columns: ["Path", "messages", "p50", "p99", "p99.9", "max"],
        rows: [
          row("raw ioredis publish → `message` + JSON.parse", raw),
          row("createPublisher → createSubscriber", ours),
        ],
        notes: [
          `${seconds} s measured after ${warmupSeconds} s of warm-up, one address (${ADDRESS}), publisher and subscriber in one process ` +
            "on their own connections, auto-pipelining off; latency from the publish() call to the handler's first line.",
        ],
      },
    ],
    targets: [],
    data: { rate, seconds, warmupSeconds, raw, package: ours },
  };
}

async function measureRaw(
  server: RedisServerHandle,
  base: PriceUpdateEvent,
  rate: number,
  seconds: number,
  warmupSeconds: number,
): Promise<Summary> {
  const publisher = await connectedClient(clientOptions(server, false));
  const subscriber = await connectedClient(clientOptions(server, false));
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const errors: unknown[] = [];
  subscriber.on("message", (_channel: string, message: string) => {
    const arrived = now();
    const event = JSON.parse(message) as { event_id: string };
    record(sentAt, latencies, event.event_id, arrived);
  });
  await subscriber.subscribe(ADDRESS);
  try {
    const summary = await offerLoad(
      rate,
      seconds,
      warmupSeconds,
      sentAt,
      latencies,
      (payload) => {
        publisher.publish(ADDRESS, JSON.stringify(payload)).catch((error: unknown) => errors.push(error));
      },
      base,
    );
    if (errors.length > 0) throw new Error(`errors during the latency run: ${errors.map(String).join("; ")}`);
    return summary;
  } finally {
    publisher.disconnect();
    subscriber.disconnect();
  }
}

async function measurePackage(
  server: RedisServerHandle,
  base: PriceUpdateEvent,
  rate: number,
  seconds: number,
  warmupSeconds: number,
): Promise<Summary> {
  const client = await connectedClient(clientOptions(server, false));
  const publisher = createPublisher({ connection: client });
  const subscriber = createSubscriber({ connection: clientOptions(server, false) });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const errors: unknown[] = [];
  subscriber.on("error", (error) => errors.push(error));
  await subscriber.handle(
    "price.updated.{symbol}",
    (event) => {
      record(sentAt, latencies, event.event_id ?? "", now());
    },
    { symbols: ["AAPL"] },
  );
  try {
    const summary = await offerLoad(
      rate,
      seconds,
      warmupSeconds,
      sentAt,
      latencies,
      (payload) => {
        publisher.publish("price.updated.{symbol}", payload).catch((error: unknown) => errors.push(error));
      },
      base,
    );
    if (errors.length > 0) throw new Error(`errors during the latency run: ${errors.map(String).join("; ")}`);
    return summary;
  } finally {
    await publisher.close();
    await subscriber.close();
    client.disconnect();
  }
}

function record(sentAt: Map<string, number>, latencies: number[], eventId: string, arrived: number): void {
  const sent = sentAt.get(eventId);
  if (sent === undefined) return; // a warm-up message
  sentAt.delete(eventId);
  latencies.push((arrived - sent) * 1000);
}

/** Sends `rate` messages per second for warm-up + measured seconds; resolves once every measured one arrived. */
async function offerLoad(
  rate: number,
  seconds: number,
  warmupSeconds: number,
  sentAt: Map<string, number>,
  latencies: number[],
  send: Send,
  base: PriceUpdateEvent,
): Promise<Summary> {
  const warmup = Math.round(rate * warmupSeconds);
  const total = warmup + Math.round(rate * seconds);
  // Ids are made in advance so that making them is not part of the measured path.
  const ids = Array.from({ length: total }, () => randomUUID());
  const started = now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((now() - started) * rate) / 1000));
      for (; sent < due; sent++) {
        const eventId = ids[sent] as string;
        if (sent >= warmup) sentAt.set(eventId, now());
        send({ ...base, event_id: eventId });
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const measured = total - warmup;
  const deadline = now() + 30_000;
  while (latencies.length < measured && now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  if (latencies.length < measured)
    throw new Error(`only ${latencies.length} of ${measured} messages arrived`);
  return {
    messages: measured,
    p50: round(quantile(latencies, 0.5)),
    p99: round(quantile(latencies, 0.99)),
    p999: round(quantile(latencies, 0.999)),
    max: round(Math.max(...latencies)),
  };
}
