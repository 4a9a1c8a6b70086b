// Section 4: end-to-end latency at fixed offered rates, from publish() to the handler, for this package's
// publisher + subscriber and for raw ioredis publish + a raw `message` listener. Both ends run in this process
// (one clock); messages are sent open-loop on a 1 ms timer, so a slow message does not delay the schedule of
// the next ones. Measured as the throughput sections are: every path is connected once per rate, rounds
// alternate between the paths, each round's p99 ratio is taken, and the table gives their median and spread,
// so that machine noise falls on every side. p99.9 is over every round's messages pooled (too few per round).
//
// Where the tail comes from (table 4b): two mixed paths (the package's publisher to a raw listener, raw publish
// to the package's subscriber) tell the publishing side's share from the receiving side's, and the collector's
// pauses, recorded in every round, tell which of the slowest messages waited on a garbage collection.
import { randomUUID } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { channels, type PriceUpdateEvent } from "../generated/index.js";
import { type AllocationReport, measureAllocation } from "./support/allocation.js";
import { type GcPause, GcPauseRecorder, waitedOnPause } from "./support/gc-pauses.js";
import { type LatencyPath, openPath, type Side } from "./support/latency-paths.js";
import type { RedisServerHandle } from "./support/redis.js";
import { type Cell, formatCell, ratio, type SectionResult, type TargetCheck } from "./support/report.js";
import { median, now, quantile, round } from "./support/stats.js";

export interface LatencyOptions {
  /** Offered rates, messages per second. */
  readonly rates?: readonly number[];
  readonly rounds?: number;
  /** Measured seconds per round and path, at least. */
  readonly seconds?: number;
  /** Messages measured per round and path, at least: a p99 needs enough of them at a low rate. */
  readonly messagesPerRound?: number;
  /** Not recorded, before each round: the connections and the JIT warm up. */
  readonly warmupSeconds?: number;
}

/** The paths of every round: the two compared end to end, and the two mixed ones that split the package's cost. */
const PATHS = {
  raw: { symbol: "MSFT", sender: "raw", receiver: "raw" },
  package: { symbol: "AAPL", sender: "package", receiver: "package" },
  publisher: { symbol: "IBM", sender: "package", receiver: "raw" },
  subscriber: { symbol: "NVDA", sender: "raw", receiver: "package" },
} as const satisfies Record<string, { symbol: string; sender: Side; receiver: Side }>;
type PathName = keyof typeof PATHS;
const PATH_NAMES = Object.keys(PATHS) as PathName[];

/** One path's round: when each measured message was sent and arrived, and what else happened meanwhile. */
interface RoundSample {
  readonly sent: readonly number[];
  readonly arrived: readonly number[];
  readonly seconds: number;
  readonly loopDelayP99: number;
  readonly pauses: readonly GcPause[];
  /** This process's CPU time (user + system, µs) over the measured seconds: both ends of the path. */
  readonly cpuMicros: number;
}

interface Summary {
  readonly messages: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** The event loop's lateness, p99 of the round's samples (µs): a timer or a callback that ran long. */
  readonly loopDelayP99: number;
  /** Collections per second, and their pauses in ms per second. */
  readonly gcPerSecond: number;
  readonly gcMsPerSecond: number;
  /** Of the messages at or above the p99, the share that was in flight during a collection. */
  readonly tailWaitedOnGc: number;
  /** p99 over the messages that no collection delayed (µs). */
  readonly p99WithoutGc: number;
  /** This process's CPU time per message (µs), publisher and subscriber together. */
  readonly cpuPerMessage: number;
}

interface RateResult {
  readonly rate: number;
  readonly rounds: Record<PathName, Summary>[];
  readonly pooled: Record<PathName, Summary>;
  readonly allocation: { raw: AllocationReport; package: AllocationReport };
}

const TARGET_P99_RATIO = 1.2;

type Settings = Required<LatencyOptions> & { readonly rates: readonly number[] };

/** A round's measured seconds at `rate`: long enough for its messages, never shorter than the setting. */
function secondsAt(rate: number, settings: Settings): number {
  return Math.max(settings.seconds, settings.messagesPerRound / rate);
}

export async function benchLatency(
  server: RedisServerHandle,
  options: LatencyOptions = {},
): Promise<SectionResult> {
  const settings = {
    rates: options.rates ?? [1_000, 5_000, 20_000],
    rounds: options.rounds ?? 11,
    seconds: options.seconds ?? 2,
    messagesPerRound: options.messagesPerRound ?? 6_000,
    warmupSeconds: options.warmupSeconds ?? 0.5,
  };
  const example = channels["price.updated.{symbol}"].examples[0]?.payload;
  if (example === undefined) throw new Error("the spec has no price.updated example");
  const results: RateResult[] = [];
  for (const rate of settings.rates) results.push(await measureRate(server, rate, example, settings));
  return report(results, settings);
}

async function measureRate(
  server: RedisServerHandle,
  rate: number,
  example: PriceUpdateEvent,
  settings: Settings,
): Promise<RateResult> {
  const paths = {} as Record<PathName, LatencyPath>;
  for (const name of PATH_NAMES) paths[name] = await openPath(server, PATHS[name].symbol, PATHS[name]);
  const seconds = secondsAt(rate, settings);
  const load = (name: PathName) =>
    offerLoad(rate, { seconds, warmupSeconds: settings.warmupSeconds }, paths[name], {
      ...example,
      symbol: PATHS[name].symbol,
    });
  try {
    const measured: Record<PathName, RoundSample>[] = [];
    for (let i = 0; i < settings.rounds; i++) {
      const round = {} as Record<PathName, RoundSample>;
      // Each round starts on another path, so that no path always follows the same one.
      for (let k = 0; k < PATH_NAMES.length; k++) {
        const name = PATH_NAMES[(i + k) % PATH_NAMES.length] as PathName;
        round[name] = await load(name);
      }
      measured.push(round);
    }
    // One more round each, under the GC profiler: what the collector is given per message.
    const messages = Math.round(rate * seconds);
    const allocation = {
      raw: await measureAllocation(messages, () => load("raw")),
      package: await measureAllocation(messages, () => load("package")),
    };
    const pooled = {} as Record<PathName, Summary>;
    for (const name of PATH_NAMES) pooled[name] = summarise(measured.map((r) => r[name]));
    const rounds = measured.map((r) => {
      const summaries = {} as Record<PathName, Summary>;
      for (const name of PATH_NAMES) summaries[name] = summarise([r[name]]);
      return summaries;
    });
    return { rate, rounds, pooled, allocation };
  } finally {
    for (const name of PATH_NAMES) await paths[name].close();
  }
}

/** Sends `rate` messages per second for warm-up + measured seconds; resolves once every measured one arrived. */
async function offerLoad(
  rate: number,
  settings: { seconds: number; warmupSeconds: number },
  path: LatencyPath,
  base: PriceUpdateEvent,
): Promise<RoundSample> {
  const { recorder } = path;
  const warmup = Math.round(rate * settings.warmupSeconds);
  const measured = Math.round(rate * settings.seconds);
  const total = warmup + measured;
  recorder.reset(measured);
  // Each path starts on a collected heap, so that no round pays for the garbage of the one before.
  collectGarbage();
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  const pauses = new GcPauseRecorder();
  const started = now();
  let measuredFrom = started;
  let cpuFrom = process.cpuUsage();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((now() - started) * rate) / 1000));
      for (; sent < due; sent++) {
        if (sent === warmup) {
          loopDelay.enable();
          pauses.start();
          measuredFrom = now();
          cpuFrom = process.cpuUsage();
        }
        const measuring = sent >= warmup;
        // Made at send time, as a service makes its events: made in advance, a round's payloads would all
        // survive into the old generation, and copying them there would stall whichever path ran then.
        const payload = priceUpdateLike(base, measuring ? recorder.eventId(sent - warmup) : randomUUID());
        if (measuring) recorder.sending(sent - warmup, now());
        path.send(payload);
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const deadline = now() + 30_000;
  while (recorder.arrivals < measured && now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuFrom);
  const seconds = (now() - measuredFrom) / 1000;
  const gc = await pauses.stop();
  if (path.errors.length > 0)
    throw new Error(`errors during the latency run: ${path.errors.map(String).join("; ")}`);
  if (recorder.arrivals < measured)
    throw new Error(`only ${recorder.arrivals} of ${measured} messages arrived`);
  const { sent: sentAt, arrived } = recorder.times();
  return {
    sent: sentAt,
    arrived,
    seconds,
    loopDelayP99: loopDelay.percentile(99) / 1000,
    pauses: gc,
    cpuMicros: cpu.user + cpu.system,
  };
}

/**
 * A new price update with `base`'s fields and `eventId`, written as an object literal, as a service
 * writes its events. Not `{ ...base, event_id }`: in optimised code V8 (Node 20) gives each object spread that
 * way a hidden class of its own, and anything that lists its keys (the validator's closed-object check, like
 * Object.keys) then builds a key cache for each one in the old generation, about 250 bytes a message: a
 * cost that comes from the way the payload is made (README, "Payloads in hot code").
 */
function priceUpdateLike(base: PriceUpdateEvent, eventId: string): PriceUpdateEvent {
  return {
    event_type: base.event_type,
    symbol: base.symbol,
    price: base.price,
    timestamp: base.timestamp,
    bid: base.bid ?? null,
    ask: base.ask ?? null,
    bid_price: base.bid_price ?? null,
    ask_price: base.ask_price ?? null,
    bid_size: base.bid_size ?? null,
    ask_size: base.ask_size ?? null,
    exchange: base.exchange ?? null,
    volume: base.volume ?? null,
    event_id: eventId,
  };
}

/** A full collection, where node runs with --expose-gc (as `npm run bench` does). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function summarise(samples: readonly RoundSample[]): Summary {
  const all: number[] = [];
  const withoutGc: number[] = [];
  let tail = 0;
  let tailInGc = 0;
  const latenciesOf = (s: RoundSample) => s.arrived.map((at, i) => (at - (s.sent[i] as number)) * 1000);
  for (const s of samples) all.push(...latenciesOf(s));
  const p99 = quantile(all, 0.99);
  for (const s of samples) {
    latenciesOf(s).forEach((latency, i) => {
      const inGc = waitedOnPause(s.pauses, s.sent[i] as number, s.arrived[i] as number);
      if (!inGc) withoutGc.push(latency);
      if (latency < p99) return;
      tail += 1;
      if (inGc) tailInGc += 1;
    });
  }
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const pauses = samples.flatMap((s) => s.pauses);
  return {
    messages: all.length,
    p50: round(quantile(all, 0.5)),
    p99: round(p99),
    p999: round(quantile(all, 0.999)),
    max: round(all.reduce((a, b) => Math.max(a, b), 0)),
    loopDelayP99: round(median(samples.map((s) => s.loopDelayP99))),
    gcPerSecond: round(pauses.length / seconds),
    gcMsPerSecond: round(pauses.reduce((sum, p) => sum + p.end - p.start, 0) / seconds),
    tailWaitedOnGc: tail === 0 ? 0 : tailInGc / tail,
    p99WithoutGc: round(quantile(withoutGc, 0.99)),
    cpuPerMessage: round(samples.reduce((sum, s) => sum + s.cpuMicros, 0) / all.length),
  };
}

function report(results: RateResult[], settings: Settings): SectionResult {
  const targets: TargetCheck[] = results.map((r) => {
    const medianRatio = median(p99Ratios(r, "package"));
    return {
      target: `end-to-end p99 ≤ ${TARGET_P99_RATIO}× raw at ${r.rate.toLocaleString("en-US")} msg/s`,
      measured: `${round(medianRatio, 2)}× (median of ${r.rounds.length} rounds)`,
      met: medianRatio <= TARGET_P99_RATIO,
    };
  });
  const common =
    `${settings.rounds} rounds per rate, each sending on every path in turn (the first path rotating) for ` +
    `${settings.seconds} s or ${settings.messagesPerRound.toLocaleString("en-US")} messages (whichever is longer) measured ` +
    `after ${settings.warmupSeconds} s unrecorded; one address per path; publisher and ` +
    "subscriber in one process on their own connections, auto-pipelining off; latency from the publish() call to the " +
    "moment the handler holds the parsed event (raw: after JSON.parse).";
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
          "heap bytes/message, raw / package",
        ],
        rows: results.map(endToEndRow),
        notes: [
          `${common} The p99 ratio is taken per round, then its median and spread; p99.9 pools every round's ` +
            "messages. Heap bytes per message: one extra round per side under v8's GCProfiler.",
        ],
      },
      {
        title: "4b. Where the tail comes from (median of rounds; raw / package where paired)",
        columns: [
          "msg/s offered",
          "p99 ÷ raw: package publisher, raw listener",
          "p99 ÷ raw: raw publish, package subscriber",
          "collections/s",
          "GC pause ms/s",
          "messages ≥ p99 that waited on a collection",
          "p99 of messages no collection delayed",
          "event-loop delay p99",
          "CPU µs/message, raw / package",
          "CPU µs/message, mixed: package publisher / package subscriber",
        ],
        rows: results.map(tailSourceRow),
        notes: [
          `${common} Mixed paths: the package's publisher to a raw \`message\` listener, and raw publish to the ` +
            "package's subscriber, their p99 per round divided by that round's raw p99. Collections: perf_hooks' gc " +
            "entries during the measured seconds; a message waited on one when a pause began before it arrived and " +
            "ended after it was sent. Event-loop delay: monitorEventLoopDelay's p99 (µs). CPU: this process's " +
            "process.cpuUsage() (user + system) over the measured seconds and the wait for the last arrival, divided by " +
            "the messages measured: both ends of the path, and whatever else the process ran meanwhile.",
        ],
      },
    ],
    targets,
    data: { ...settings, results },
  };
}

function p99Ratios(r: RateResult, path: PathName): number[] {
  return r.rounds.map((x) => x[path].p99 / x.raw.p99);
}

/** The median over the rounds of one path's figure. */
function medianOf(r: RateResult, path: PathName, pick: (s: Summary) => number): number {
  return round(median(r.rounds.map((x) => pick(x[path]))));
}

function pair(raw: number, ours: number): string {
  return `${formatCell(round(raw))} / ${formatCell(round(ours))}`;
}

function endToEndRow(r: RateResult): Cell[] {
  const ratios = p99Ratios(r, "package");
  return [
    r.rate.toLocaleString("en-US"),
    pair(
      medianOf(r, "raw", (s) => s.p50),
      medianOf(r, "package", (s) => s.p50),
    ),
    medianOf(r, "raw", (s) => s.p99),
    medianOf(r, "package", (s) => s.p99),
    ratio(median(ratios), 1),
    `${round(Math.min(...ratios), 2)}–${round(Math.max(...ratios), 2)}`,
    pair(r.pooled.raw.p999, r.pooled.package.p999),
    ratio(r.pooled.package.p999, r.pooled.raw.p999),
    pair(r.allocation.raw.bytesPerMessage, r.allocation.package.bytesPerMessage),
  ];
}

function tailSourceRow(r: RateResult): Cell[] {
  const both = (pick: (s: Summary) => number) => pair(medianOf(r, "raw", pick), medianOf(r, "package", pick));
  const percent = (share: number) => `${Math.round(share * 100)} %`;
  return [
    r.rate.toLocaleString("en-US"),
    ratio(median(p99Ratios(r, "publisher")), 1),
    ratio(median(p99Ratios(r, "subscriber")), 1),
    both((s) => s.gcPerSecond),
    both((s) => s.gcMsPerSecond),
    `${percent(median(r.rounds.map((x) => x.raw.tailWaitedOnGc)))} / ${percent(median(r.rounds.map((x) => x.package.tailWaitedOnGc)))}`,
    both((s) => s.p99WithoutGc),
    both((s) => s.loopDelayP99),
    both((s) => s.cpuPerMessage),
    pair(
      medianOf(r, "publisher", (s) => s.cpuPerMessage),
      medianOf(r, "subscriber", (s) => s.cpuPerMessage),
    ),
  ];
}
