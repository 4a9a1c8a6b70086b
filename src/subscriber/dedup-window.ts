// Remembers the keys (event ids or body hashes) of recent messages, so that the duplicates that
// at-least-once retries and replays produce can be dropped. Bounded by count and by age: memory
// stays bounded whatever the traffic, and a quiet channel forgets what is too old to be a copy.

export interface DedupWindowOptions {
  /** The most keys remembered; the oldest is forgotten first. */
  readonly maxEntries: number;
  /** Keys remembered longer than this are forgotten. Default: no age bound. */
  readonly maxAgeMs?: number;
}

export interface DedupWindow {
  /**
   * True when the key was seen within the window; otherwise records it and returns false.
   * `nowMs` (a Date.now() reading) is needed only with an age bound.
   */
  seen(key: string, nowMs?: number): boolean;
  /** Keys remembered now. */
  readonly size: number;
}

const INITIAL_SLOTS = 64;

export function createDedupWindow(options: number | DedupWindowOptions): DedupWindow {
  const { maxEntries, maxAgeMs = Number.POSITIVE_INFINITY } =
    typeof options === "number" ? { maxEntries: options } : options;
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new RangeError(`dedup window must be a positive integer, not ${maxEntries}`);
  if (!(maxAgeMs > 0)) throw new RangeError(`dedup maxAgeMs must be positive, not ${maxAgeMs}`);
  return new RingDedupWindow(maxEntries, maxAgeMs);
}

/**
 * The keys in arrival order in a ring, beside a Set for lookup: the oldest is found in O(1).
 * (Taking a Set's first element instead costs microseconds once the window is full: V8's iterator
 * walks past the deleted entries at the front on every call.) The ring grows on demand up to
 * maxEntries, so a large bound costs memory only when the traffic fills it.
 */
class RingDedupWindow implements DedupWindow {
  private readonly keys = new Set<string>();
  private ring: (string | undefined)[] = [];
  private times: Float64Array = new Float64Array(0);
  /** Index of the oldest key in the ring. */
  private head = 0;
  private count = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
  ) {}

  get size(): number {
    return this.count;
  }

  seen(key: string, nowMs = 0): boolean {
    if (this.count > 0 && this.maxAgeMs !== Number.POSITIVE_INFINITY)
      this.forgetOlderThan(nowMs - this.maxAgeMs);
    if (this.keys.has(key)) return true;
    if (this.count === this.maxEntries) this.forgetOldest();
    else if (this.count === this.ring.length) this.grow();
    const slot = (this.head + this.count) % this.ring.length;
    this.ring[slot] = key;
    this.times[slot] = nowMs;
    this.count += 1;
    this.keys.add(key);
    return false;
  }

  private forgetOlderThan(cutoffMs: number): void {
    while (this.count > 0 && (this.times[this.head] as number) < cutoffMs) this.forgetOldest();
  }

  private forgetOldest(): void {
    this.keys.delete(this.ring[this.head] as string);
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.count -= 1;
  }

  /** Doubles the ring (up to maxEntries), laying the keys out oldest first from slot 0. */
  private grow(): void {
    const slots = Math.min(this.maxEntries, Math.max(INITIAL_SLOTS, this.ring.length * 2));
    const ring: (string | undefined)[] = new Array(slots);
    const times = new Float64Array(slots);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % this.ring.length;
      ring[i] = this.ring[from];
      times[i] = this.times[from] as number;
    }
    this.ring = ring;
    this.times = times;
    this.head = 0;
  }
}
