// Section 4: end-to-end latency at fixed offered rates, from publish() to the handler, for this package's
// publisher + subscriber and for raw ioredis publish + a raw `message` listener. Both ends run in this process
// (one clock); messages are sent open-loop on a 1 ms timer, so a slow message does not delay the schedule of
// the next ones. Measured as the throughput sections are: every path is connected once per rate, every round
// measures every path, each round's p99 ratio is taken, and the table gives their median and spread. Within a
// round the paths take turns in slices of a quarter second (support/latency-slices.ts), so that the host's
// stalls fall on every path alike. p99.9 is over every round's messages pooled (too few per round).
//
// Where the tail comes from (table 4b): two mixed paths (the package's publisher to a raw listener, raw publish
// to the package's subscriber) tell the publishing side's share from the receiving side's, and the collector's
// pauses, recorded in every round, tell which of the slowest messages waited on a garbage collection.
import { channels, type PriceUpdateEvent } from "../generated/index.js";
import { type AllocationReport, measureAllocation } from "./support/allocation.js";
import { waitedOnPause } from "./support/gc-pauses.js";
import { type LatencyPath, openPath, type Side } from "./support/latency-paths.js";
import {
  collectGarbage,
  offerSlice,
  PathRound,
  planSlices,
  type RoundSample,
  type Slice,
  turnOrder,
} from "./support/latency-slices.js";
import type { RedisServerHandle } from "./support/redis.js";
import { type Cell, formatCell, ratio, type SectionResult, type TargetCheck } from "./support/report.js";
import { median, quantile, round } from "./support/stats.js";

export interface LatencyOptions {
  /** Offered rates, messages per second. */
  readonly rates?: readonly number[];
  /**
   * 21 by default: a round's p99 ratio still ranges over 0.5–2.5× at 5,000 msg/s (a few scavenges decide it),
   * and the median of 11 moved by 0.1× between runs of the same code.
   */
  readonly rounds?: number;
  /** Measured seconds per round and path, at least. */
  readonly seconds?: number;
  /** Messages measured per round and path, at least: a p99 needs enough of them at a low rate. */
  readonly messagesPerRound?: number;
  /** Not recorded, once per rate and path before the rounds: the connections and the JIT warm up. */
  readonly warmupSeconds?: number;
  /** Measured seconds of one slice: within a round, the paths take turns slice by slice. */
  readonly sliceSeconds?: number;
  /** Not recorded, before each slice: the path's stream is flowing when its measured messages start. */
  readonly sliceLeadInSeconds?: number;
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
    rounds: options.rounds ?? 21,
    seconds: options.seconds ?? 2,
    messagesPerRound: options.messagesPerRound ?? 6_000,
    warmupSeconds: options.warmupSeconds ?? 0.5,
    sliceSeconds: options.sliceSeconds ?? 0.25,
    sliceLeadInSeconds: options.sliceLeadInSeconds ?? 0.05,
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
  const bases = {} as Record<PathName, PriceUpdateEvent>;
  for (const name of PATH_NAMES) bases[name] = { ...example, symbol: PATHS[name].symbol };
  const messages = Math.round(rate * secondsAt(rate, settings));
  const slices = planSlices(messages, rate, {
    sliceSeconds: settings.sliceSeconds,
    leadInSeconds: settings.sliceLeadInSeconds,
  });
  const runAlone = async (name: PathName) => {
    const round = new PathRound(paths[name], messages);
    collectGarbage();
    for (const slice of slices) await offerSlice(rate, round, bases[name], slice);
  };
  try {
    // The warm-up: a slice of lead-in only, once per path.
    const warmup: Slice = { from: 0, to: 0, leadIn: Math.round(rate * settings.warmupSeconds) };
    for (const name of PATH_NAMES) await offerSlice(rate, new PathRound(paths[name], 0), bases[name], warmup);
    const measured: Record<PathName, RoundSample>[] = [];
    for (let i = 0; i < settings.rounds; i++)
      measured.push(await measureRound(i, rate, paths, bases, slices));
    // One more round each, alone and under the GC profiler: what the collector is given per message.
    const allocation = {
      raw: await measureAllocation(messages, () => runAlone("raw")),
      package: await measureAllocation(messages, () => runAlone("package")),
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

/** One round: every path sends its slices, the paths taking turns slice by slice (turnOrder). */
async function measureRound(
  index: number,
  rate: number,
  paths: Record<PathName, LatencyPath>,
  bases: Record<PathName, PriceUpdateEvent>,
  slices: readonly Slice[],
): Promise<Record<PathName, RoundSample>> {
  const messages = slices.at(-1)?.to ?? 0;
  const rounds = {} as Record<PathName, PathRound>;
  for (const name of PATH_NAMES) rounds[name] = new PathRound(paths[name], messages);
  collectGarbage();
  for (const [s, slice] of slices.entries()) {
    for (const name of turnOrder(PATH_NAMES, index, s))
      await offerSlice(rate, rounds[name], bases[name], slice);
  }
  const samples = {} as Record<PathName, RoundSample>;
  for (const name of PATH_NAMES) samples[name] = rounds[name].sample();
  return samples;
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
    `${settings.rounds} rounds per rate; in each, every path sends ${settings.seconds} s or ` +
    `${settings.messagesPerRound.toLocaleString("en-US")} messages (whichever is longer), in slices of ` +
    `${settings.sliceSeconds} s that take turns path by path (the first path rotating), each slice after ` +
    `${settings.sliceLeadInSeconds} s unrecorded, every round on a collected heap; ${settings.warmupSeconds} s unrecorded per ` +
    "path before the first round; one address per path; publisher and " +
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
