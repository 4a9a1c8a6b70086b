// Section 4: end-to-end latency at fixed offered rates, from publish() to the handler, for this package's
// publisher + subscriber and for raw ioredis publish + a raw `message` listener. Both ends run in this process
// (one clock); messages are sent open-loop on a 1 ms timer, so a slow message does not delay the schedule of
// the next ones. Measured as the throughput sections are: both paths are connected once per rate, rounds
// alternate raw / package, each round's p99 ratio is taken, and the table gives their median and spread, so
// that machine noise falls on both sides. p99.9 is over every round's messages pooled (too few per round).
import { randomUUID } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { channels, type PriceUpdateEvent } from "../generated/index.js";
import { createPublisher } from "../src/publisher/index.js";
import { createSubscriber } from "../src/subscriber/index.js";
import { type AllocationReport, measureAllocation } from "./support/allocation.js";
import { clientOptions, connectedClient, type RedisServerHandle } from "./support/redis.js";
import { type Cell, formatCell, ratio, type SectionResult, type TargetCheck } from "./support/report.js";
import { median, now, quantile, round } from "./support/stats.js";

export interface LatencyOptions {
  /** Offered rates, messages per second. */
  readonly rates?: readonly number[];
  readonly rounds?: number;
  /** Measured seconds per round and side. */
  readonly seconds?: number;
  /** Not recorded, before each round: the connections and the JIT warm up. */
  readonly warmupSeconds?: number;
}

/** One side's round: latencies in µs, and how late the event loop ran meanwhile. */
interface RoundSample {
  readonly latencies: number[];
  readonly loopDelayP99: number;
}

interface RateResult {
  readonly rate: number;
  readonly rounds: { raw: Summary; package: Summary }[];
  readonly pooled: { raw: Summary; package: Summary };
  readonly allocation: { raw: AllocationReport; package: AllocationReport };
}

interface Summary {
  readonly messages: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** The event loop's lateness, p99 of the round's samples (µs): a timer or a callback that ran long. */
  readonly loopDelayP99: number;
}

/** A publish → handler path under test: it sends one payload and records the latency of each that arrives. */
interface LatencyPath {
  send(payload: PriceUpdateEvent): void;
  /** Where the handler records: the send time of each measured event_id, and the latencies. */
  readonly recorder: Recorder;
  readonly errors: unknown[];
  close(): Promise<void>;
}

const TARGET_P99_RATIO = 1.2;

export async function benchLatency(
  server: RedisServerHandle,
  options: LatencyOptions = {},
): Promise<SectionResult> {
  const rates = options.rates ?? [1_000, 5_000, 20_000];
  const rounds = options.rounds ?? 5;
  const seconds = options.seconds ?? 2;
  const warmupSeconds = options.warmupSeconds ?? 0.5;
  const example = channels["price.updated.{symbol}"].examples[0]?.payload;
  if (example === undefined) throw new Error("the spec has no price.updated example");

  const results: RateResult[] = [];
  for (const rate of rates) {
    // Two symbols, so that neither subscriber hears the other path's messages.
    const raw = await openRawPath(server, "MSFT");
    const ours = await openPackagePath(server, "AAPL");
    try {
      const load = (path: LatencyPath, symbol: string) =>
        offerLoad(rate, seconds, warmupSeconds, path, { ...example, symbol });
      const measured: { raw: RoundSample; package: RoundSample }[] = [];
      for (let i = 0; i < rounds; i++) {
        measured.push({ raw: await load(raw, "MSFT"), package: await load(ours, "AAPL") });
      }
      const messages = Math.round(rate * seconds);
      // One more round each, under the GC profiler: what the collector is given per message.
      const allocation = {
        raw: await measureAllocation(messages, () => load(raw, "MSFT")),
        package: await measureAllocation(messages, () => load(ours, "AAPL")),
      };
      results.push({
        rate,
        rounds: measured.map((r) => ({ raw: summarise([r.raw]), package: summarise([r.package]) })),
        pooled: {
          raw: summarise(measured.map((r) => r.raw)),
          package: summarise(measured.map((r) => r.package)),
        },
        allocation,
      });
    } finally {
      await raw.close();
      await ours.close();
    }
  }
  return report(results, { rounds, seconds, warmupSeconds });
}

function report(
  results: RateResult[],
  settings: { rounds: number; seconds: number; warmupSeconds: number },
): SectionResult {
  const targets: TargetCheck[] = [];
  const rows: Cell[][] = results.map((r) => {
    const p99Ratios = r.rounds.map((x) => x.package.p99 / x.raw.p99);
    const medianRatio = median(p99Ratios);
    targets.push({
      target: `end-to-end p99 ≤ ${TARGET_P99_RATIO}× raw at ${r.rate.toLocaleString("en-US")} msg/s`,
      measured: `${round(medianRatio, 2)}× (median of ${r.rounds.length} rounds)`,
      met: medianRatio <= TARGET_P99_RATIO,
    });
    const m = (pick: (s: Summary) => number, side: "raw" | "package") =>
      round(median(r.rounds.map((x) => pick(x[side]))));
    const pair = (raw: number, ours: number) => `${formatCell(round(raw))} / ${formatCell(round(ours))}`;
    return [
      r.rate.toLocaleString("en-US"),
      pair(
        m((s) => s.p50, "raw"),
        m((s) => s.p50, "package"),
      ),
      m((s) => s.p99, "raw"),
      m((s) => s.p99, "package"),
      ratio(medianRatio, 1),
      `${round(Math.min(...p99Ratios), 2)}–${round(Math.max(...p99Ratios), 2)}`,
      pair(r.pooled.raw.p999, r.pooled.package.p999),
      ratio(r.pooled.package.p999, r.pooled.raw.p999),
      pair(
        m((s) => s.loopDelayP99, "raw"),
        m((s) => s.loopDelayP99, "package"),
      ),
      pair(r.allocation.raw.bytesPerMessage, r.allocation.package.bytesPerMessage),
    ];
  });
  return {
    id: "latency",
    title: "4. End-to-end latency",
    tables: [
      {
        title:
          "4. End-to-end latency, publish() to handler, µs (median of rounds; raw / package where paired)",
        columns: [
          "msg/s offered",
          "p50 raw / package",
          "p99 raw",
          "p99 package",
          "p99 ÷ raw",
          "ratio min–max",
          "p99.9 raw / package (pooled)",
          "p99.9 ÷ raw",
          "event-loop delay p99, raw / package",
          "heap bytes/message, raw / package",
        ],
        rows,
        notes: [
          `${settings.rounds} alternating rounds per rate of ${settings.seconds} s measured each after ${settings.warmupSeconds} s unrecorded, ` +
            "one address per path (raw: price.updated.MSFT, package: price.updated.AAPL), publisher and subscriber in one process " +
            "on their own connections, auto-pipelining off; latency from the publish() call to the handler's first line. " +
            "The p99 ratio is taken per round, then its median and spread; p99.9 pools every round's messages. Event-loop delay: " +
            "perf_hooks' monitorEventLoopDelay over the round. Heap bytes per message: one extra round per side under v8's GCProfiler.",
        ],
      },
    ],
    targets,
    data: { ...settings, results },
  };
}

/** Raw ioredis: publish(JSON.stringify) and a `message` listener with JSON.parse. */
async function openRawPath(server: RedisServerHandle, symbol: string): Promise<LatencyPath> {
  const address = `price.updated.${symbol}`;
  const publisher = await connectedClient(clientOptions(server, false));
  const subscriber = await connectedClient(clientOptions(server, false));
  const recorder = new Recorder();
  const errors: unknown[] = [];
  subscriber.on("message", (_channel: string, message: string) => {
    const arrived = now();
    recorder.arrived((JSON.parse(message) as { event_id: string }).event_id, arrived);
  });
  await subscriber.subscribe(address);
  return {
    send(payload) {
      publisher.publish(address, JSON.stringify(payload)).catch((error: unknown) => errors.push(error));
    },
    recorder,
    errors,
    async close() {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

/** This package: createPublisher on a client of the same options, createSubscriber with its defaults. */
async function openPackagePath(server: RedisServerHandle, symbol: string): Promise<LatencyPath> {
  const client = await connectedClient(clientOptions(server, false));
  const publisher = createPublisher({ connection: client });
  const subscriber = createSubscriber({ connection: clientOptions(server, false) });
  const recorder = new Recorder();
  const errors: unknown[] = [];
  subscriber.on("error", (error) => errors.push(error));
  await subscriber.handle(
    "price.updated.{symbol}",
    (event) => {
      recorder.arrived(event.event_id ?? "", now());
    },
    { symbols: [symbol] },
  );
  return {
    send(payload) {
      publisher.publish("price.updated.{symbol}", payload).catch((error: unknown) => errors.push(error));
    },
    recorder,
    errors,
    async close() {
      await publisher.close();
      await subscriber.close();
      client.disconnect();
    },
  };
}

/** The send times of the measured messages and the latencies of those that arrived. */
class Recorder {
  readonly sentAt = new Map<string, number>();
  latencies: number[] = [];

  arrived(eventId: string, at: number): void {
    const sent = this.sentAt.get(eventId);
    if (sent === undefined) return; // a warm-up message
    this.sentAt.delete(eventId);
    this.latencies.push((at - sent) * 1000);
  }
}

/** Sends `rate` messages per second for warm-up + measured seconds; resolves once every measured one arrived. */
async function offerLoad(
  rate: number,
  seconds: number,
  warmupSeconds: number,
  path: LatencyPath,
  base: PriceUpdateEvent,
): Promise<RoundSample> {
  const { recorder } = path;
  recorder.latencies = [];
  const warmup = Math.round(rate * warmupSeconds);
  const total = warmup + Math.round(rate * seconds);
  // Ids and payloads are made in advance so that making them is not part of the measured path.
  const payloads = Array.from({ length: total }, () => ({ ...base, event_id: randomUUID() }));
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  const started = now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((now() - started) * rate) / 1000));
      for (; sent < due; sent++) {
        const payload = payloads[sent] as PriceUpdateEvent;
        if (sent === warmup) loopDelay.enable();
        if (sent >= warmup) recorder.sentAt.set(payload.event_id as string, now());
        path.send(payload);
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const measured = total - warmup;
  const deadline = now() + 30_000;
  while (recorder.latencies.length < measured && now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  loopDelay.disable();
  if (path.errors.length > 0)
    throw new Error(`errors during the latency run: ${path.errors.map(String).join("; ")}`);
  if (recorder.latencies.length < measured)
    throw new Error(`only ${recorder.latencies.length} of ${measured} messages arrived`);
  return { latencies: recorder.latencies, loopDelayP99: loopDelay.percentile(99) / 1000 };
}

function summarise(samples: RoundSample[]): Summary {
  const latencies = samples.flatMap((s) => s.latencies);
  let max = 0;
  for (const latency of latencies) if (latency > max) max = latency;
  return {
    messages: latencies.length,
    p50: round(quantile(latencies, 0.5)),
    p99: round(quantile(latencies, 0.99)),
    p999: round(quantile(latencies, 0.999)),
    max: round(max),
    loopDelayP99: round(median(samples.map((s) => s.loopDelayP99))),
  };
}
