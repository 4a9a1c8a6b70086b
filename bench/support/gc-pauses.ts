// The garbage collector's pauses during a measured round, and which messages waited on one: the latency
// section's way of telling a tail made by the collector from a tail made by the code on the path.
import { constants, type PerformanceEntry, PerformanceObserver } from "node:perf_hooks";

/** One collection, in performance.now() milliseconds. */
export interface GcPause {
  readonly start: number;
  readonly end: number;
  /** A mark-sweep (the whole heap) rather than a scavenge of the young generation. */
  readonly major: boolean;
}

/** Records the collections between start() and stop(). */
export class GcPauseRecorder {
  #pauses: GcPause[] = [];
  readonly #observer = new PerformanceObserver((list) => this.#add(list.getEntries()));

  start(): void {
    this.#pauses = [];
    this.#observer.observe({ entryTypes: ["gc"] });
  }

  /**
   * The pauses, oldest first. Node queues a collection's entry from the collector's callback on the event loop,
   * so the loop turns once before the entries not yet delivered to the observer are taken.
   */
  async stop(): Promise<GcPause[]> {
    await new Promise((resolve) => setImmediate(resolve));
    this.#add(this.#observer.takeRecords());
    this.#observer.disconnect();
    return this.#pauses.sort((a, b) => a.start - b.start);
  }

  #add(entries: readonly PerformanceEntry[]): void {
    for (const entry of entries) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      this.#pauses.push({
        start: entry.startTime,
        end: entry.startTime + entry.duration,
        major: kind === constants.NODE_PERFORMANCE_GC_MAJOR,
      });
    }
  }
}

/** Whether a message in flight from `sent` to `arrived` (ms) waited on one of `pauses` (sorted by start). */
export function waitedOnPause(pauses: readonly GcPause[], sent: number, arrived: number): boolean {
  // The first pause that ends after the message was sent; it overlaps if it began before the message arrived.
  let low = 0;
  let high = pauses.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((pauses[middle] as GcPause).end <= sent) low = middle + 1;
    else high = middle;
  }
  const candidate = pauses[low];
  return candidate !== undefined && candidate.start < arrived;
}
