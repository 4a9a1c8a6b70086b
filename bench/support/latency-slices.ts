// How the latency section sends: open loop at a fixed rate on a 1 ms timer, in slices. Within a round the paths
// take turns slice by slice, a quarter of a second each, rather than one path for its whole round and then the
// next: this host's stalls (it deschedules the VM for milliseconds at a time, at its neighbours' whim) then fall
// on every path of the round alike, instead of on whichever path happened to run during a bad second. A path's
// round is the union of its slices; PathRound adds them up.
import { randomUUID } from "node:crypto";
import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import type { PriceUpdateEvent } from "../../generated/index.js";
import { type GcPause, GcPauseRecorder } from "./gc-pauses.js";
import type { LatencyPath } from "./latency-paths.js";
import { now } from "./stats.js";

/** One path's round: when each measured message was sent and arrived, and what else happened meanwhile. */
export interface RoundSample {
  readonly sent: readonly number[];
  readonly arrived: readonly number[];
  readonly seconds: number;
  readonly loopDelayP99: number;
  readonly pauses: readonly GcPause[];
  /** This process's CPU time (user + system, µs) over the measured seconds: both ends of the path. */
  readonly cpuMicros: number;
}

/** What one path's measured slices of a round add up to: seconds, CPU, collections and the loop's lateness. */
export class PathRound {
  readonly #path: LatencyPath;
  readonly #loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  readonly #gc = new GcPauseRecorder();
  readonly #pauses: GcPause[] = [];
  #seconds = 0;
  #cpuMicros = 0;
  #measuredFrom = 0;
  #cpuFrom = process.cpuUsage();

  /** A round of `messages` measured messages on `path`: its recorder starts afresh. */
  constructor(path: LatencyPath, messages: number) {
    this.#path = path;
    path.recorder.reset(messages);
  }

  get path(): LatencyPath {
    return this.#path;
  }

  /** A slice's measured part begins. */
  begin(): void {
    this.#loopDelay.enable();
    this.#gc.start();
    this.#measuredFrom = now();
    this.#cpuFrom = process.cpuUsage();
  }

  /** The slice's measured part ended (its last message arrived). */
  async end(): Promise<void> {
    this.#loopDelay.disable();
    const cpu = process.cpuUsage(this.#cpuFrom);
    this.#cpuMicros += cpu.user + cpu.system;
    this.#seconds += (now() - this.#measuredFrom) / 1000;
    this.#pauses.push(...(await this.#gc.stop()));
  }

  sample(): RoundSample {
    const { sent, arrived } = this.#path.recorder.times();
    return {
      sent,
      arrived,
      seconds: this.#seconds,
      loopDelayP99: this.#loopDelay.percentile(99) / 1000,
      pauses: this.#pauses.sort((a, b) => a.start - b.start),
      cpuMicros: this.#cpuMicros,
    };
  }
}

/** A slice: `leadIn` unrecorded messages, then the round's measured messages `from` up to (not including) `to`. */
export interface Slice {
  readonly from: number;
  readonly to: number;
  readonly leadIn: number;
}

/** A round's `messages` cut into slices of `sliceSeconds` at `rate`, each after `leadInSeconds` unrecorded. */
export function planSlices(
  messages: number,
  rate: number,
  timing: { readonly sliceSeconds: number; readonly leadInSeconds: number },
): Slice[] {
  const perSlice = Math.max(1, Math.round(rate * timing.sliceSeconds));
  const leadIn = Math.round(rate * timing.leadInSeconds);
  const slices: Slice[] = [];
  for (let from = 0; from < messages; from += perSlice) {
    slices.push({ from, to: Math.min(messages, from + perSlice), leadIn });
  }
  return slices;
}

/**
 * The order in which `paths` take their turn at slice `slice` of round `round`: each once, the first one
 * rotating with the round and the slice, so that no path always follows the same one.
 */
export function turnOrder<T>(paths: readonly T[], round: number, slice: number): T[] {
  return paths.map((_, k) => paths[(round + slice + k) % paths.length] as T);
}

/** How long a slice waits for its last messages before it fails. */
const ARRIVAL_DEADLINE_MS = 30_000;

/**
 * Sends a slice at `rate` messages per second, open loop (a slow message does not delay the schedule of the
 * next), and resolves once every measured message of it arrived, so that no slice overlaps the next path's.
 */
export async function offerSlice(
  rate: number,
  round: PathRound,
  base: PriceUpdateEvent,
  slice: Slice,
  arrivalDeadlineMs = ARRIVAL_DEADLINE_MS,
): Promise<void> {
  const { path } = round;
  const { recorder } = path;
  const total = slice.leadIn + slice.to - slice.from;
  const started = now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((now() - started) * rate) / 1000));
      for (; sent < due; sent++) {
        if (sent === slice.leadIn) round.begin();
        const index = slice.from + sent - slice.leadIn;
        const measuring = sent >= slice.leadIn;
        // Made at send time, as a service makes its events: made in advance, a round's payloads would all
        // survive into the old generation, and copying them there would stall whichever path ran then.
        const payload = priceUpdateLike(base, measuring ? recorder.eventId(index) : randomUUID());
        if (measuring) recorder.sending(index, now());
        path.send(payload);
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const deadline = now() + arrivalDeadlineMs;
  // A send that failed ends the wait: its message will not arrive.
  while (recorder.arrivals < slice.to && path.errors.length === 0 && now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 1));
  // A warm-up slice measures nothing: its round never began.
  if (slice.to > slice.from) await round.end();
  if (path.errors.length > 0)
    throw new Error(`errors during the latency run: ${path.errors.map(String).join("; ")}`);
  if (recorder.arrivals < slice.to)
    throw new Error(`only ${recorder.arrivals} of the first ${slice.to} messages of the round arrived`);
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

/**
 * A full collection, where node runs with --expose-gc (as `npm run bench` does): before a round, so that no round
 * pays for the garbage of the one before. Not before each slice: after a full collection V8 discards optimised
 * code whose embedded objects died (`--trace-deopt`: "weak objects"), so every slice would start by warming up
 * again, the longer path longest; no service is collected in full four times a second.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
