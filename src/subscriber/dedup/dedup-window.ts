// Remembers the keys (event ids or body hashes) of recent messages, so that the duplicates that
// at-least-once retries and replays produce can be dropped. Bounded by count and by age: memory
// stays bounded whatever the traffic, and a quiet channel forgets what is too old to be a copy.
import { PackedKeys } from "./packed-keys.js";
import { keyHash, RingKeyIndex } from "./ring-key-index.js";

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
 * The keys in arrival order in a ring, with their hashes and arrival times, and an index that finds a
 * key's slot: the oldest is found in O(1), and a message costs about one cache miss to look up
 * (ring-key-index.ts). The keys are packed into bytes (packed-keys.ts), so the window leaves the garbage
 * collector no object per message. The ring grows on demand up to maxEntries, so a large bound costs
 * memory only when the traffic fills it.
 */
class RingDedupWindow implements DedupWindow {
  private readonly index = new RingKeyIndex();
  private ring = new PackedKeys(0);
  private hashes: Int32Array = new Int32Array(0);
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
    const hash = keyHash(key);
    if (this.count > 0 && this.index.has(key, hash, this.ring)) return true;
    if (this.count === this.maxEntries) this.forgetOldest();
    else if (this.count === this.ring.slots) this.grow();
    const slot = (this.head + this.count) % this.ring.slots;
    this.ring.set(slot, key);
    this.hashes[slot] = hash;
    this.times[slot] = nowMs;
    this.index.add(hash, slot);
    this.count += 1;
    return false;
  }

  private forgetOlderThan(cutoffMs: number): void {
    while (this.count > 0 && (this.times[this.head] as number) < cutoffMs) this.forgetOldest();
  }

  private forgetOldest(): void {
    this.index.delete(this.hashes[this.head] as number, this.head);
    this.ring.delete(this.head);
    this.head = (this.head + 1) % this.ring.slots;
    this.count -= 1;
  }

  /**
   * Quadruples the ring (up to maxEntries), laying the keys out oldest first from slot 0, and re-indexes
   * them: each growth re-adds every key, and growing by four re-adds a third as many as doubling would.
   */
  private grow(): void {
    const slots = Math.min(this.maxEntries, Math.max(INITIAL_SLOTS, this.ring.slots * 4));
    const ring = new PackedKeys(slots);
    const hashes = new Int32Array(slots);
    const times = new Float64Array(slots);
    this.index.reset(slots);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % this.ring.slots;
      this.ring.copyTo(from, ring, i);
      hashes[i] = this.hashes[from] as number;
      times[i] = this.times[from] as number;
      this.index.add(hashes[i] as number, i);
    }
    this.ring = ring;
    this.hashes = hashes;
    this.times = times;
    this.head = 0;
  }
}
