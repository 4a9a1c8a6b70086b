// Small statistics and timing helpers shared by the benchmark sections.
import { performance } from "node:perf_hooks";

export const now = (): number => performance.now();

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile of unsorted values; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] ?? Number.NaN;
  const high = sorted[upper] ?? Number.NaN;
  return low + (high - low) * (position - lower);
}

/** Rounds to a few significant digits for tables and results.json. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const factor = 10 ** Math.max(0, digits - 1 - magnitude);
  return Math.round(value * factor) / factor;
}

/**
 * Keeps `window` calls of `send` in flight until `count` have settled; resolves with the elapsed
 * milliseconds. The first rejection rejects the run: a benchmark that loses messages is not one.
 */
export function runWindow(
  count: number,
  window: number,
  send: (index: number) => Promise<unknown>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = now();
    let next = 0;
    let settled = 0;
    let failed = false;
    const launch = (): void => {
      const index = next++;
      send(index).then(
        () => {
          settled += 1;
          if (next < count) launch();
          else if (settled === count) resolve(now() - started);
        },
        (error: unknown) => {
          if (!failed) reject(error);
          failed = true;
        },
      );
    };
    if (count === 0) resolve(0);
    for (let i = 0; i < Math.min(window, count); i++) launch();
  });
}

/** Resolves once `condition` holds, checking every few milliseconds; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!condition()) {
    if (now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
