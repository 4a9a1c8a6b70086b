// Bytes allocated on the JS heap per message, for the sections that report what the garbage collector is given.
import { GCProfiler, getHeapStatistics } from "node:v8";

/** What one measured run allocated and what the collections during it cost. */
export interface AllocationReport {
  readonly bytesPerMessage: number;
  /** Collections during the run, and their pauses summed (ms). */
  readonly collections: number;
  readonly pauseMs: number;
}

/**
 * Runs `run` once under v8's GCProfiler: bytes allocated = the heap's growth plus what every collection during
 * it freed (the profiler reports the used size before and after each).
 */
export async function measureAllocation(
  messages: number,
  run: () => Promise<unknown>,
): Promise<AllocationReport> {
  const profiler = new GCProfiler();
  const before = getHeapStatistics().used_heap_size;
  profiler.start();
  await run();
  const after = getHeapStatistics().used_heap_size;
  const report = profiler.stop();
  let freed = 0;
  let pauseMicros = 0;
  for (const gc of report?.statistics ?? []) {
    freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
    pauseMicros += gc.cost;
  }
  return {
    bytesPerMessage: (after - before + freed) / messages,
    collections: report?.statistics.length ?? 0,
    pauseMs: pauseMicros / 1000,
  };
}
