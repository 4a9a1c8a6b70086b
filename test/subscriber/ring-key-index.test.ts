// The dedup window's hash index agrees with a plain reference window (an array in arrival order)
// over random sequences of keys, counts and clocks: few distinct keys, so that lookups hit, probe
// runs collide and deletions shift entries back, across growth and wrap-around of the ring.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDedupWindow } from "../../src/subscriber/dedup/dedup-window.js";
import { KEY_BYTES, PackedKeys } from "../../src/subscriber/dedup/packed-keys.js";
import { keyHash, RingKeyIndex } from "../../src/subscriber/dedup/ring-key-index.js";

/** The window's contract, written the obvious way. */
function referenceWindow(maxEntries: number, maxAgeMs: number) {
  const entries: { key: string; at: number }[] = [];
  return {
    seen(key: string, nowMs: number): boolean {
      while (entries.length > 0 && (entries[0] as { at: number }).at < nowMs - maxAgeMs) entries.shift();
      if (entries.some((entry) => entry.key === key)) return true;
      if (entries.length === maxEntries) entries.shift();
      entries.push({ key, at: nowMs });
      return false;
    },
    get size() {
      return entries.length;
    },
  };
}

/** Keys of several shapes: short, uuid-like, at and past the packed length, Latin-1 and beyond it. */
const KEY_SHAPES: ((n: number) => string)[] = [
  (n) => `event-${n}`,
  (n) => `${String(n).padStart(8, "0")}-e29b-41d4-a716-446655440000`,
  (n) => `${String(n).padStart(KEY_BYTES, "k")}`,
  (n) => `${String(n).padStart(KEY_BYTES + 1, "k")}`,
  (n) => `${"x".repeat(48)}${n}`,
  (n) => `é${n}`,
  (n) => `€${n}`,
];

describe("ring key index", () => {
  it("the dedup window answers as the reference does", () => {
    const step = fc.record({ key: fc.integer({ min: 0, max: 300 }), advanceMs: fc.nat({ max: 40 }) });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 1, max: 2_000 })),
        fc.array(step, { minLength: 1, maxLength: 3_000 }),
        (maxEntries, maxAgeMs, steps) => {
          const window = createDedupWindow({ maxEntries, maxAgeMs });
          const reference = referenceWindow(maxEntries, maxAgeMs);
          let nowMs = 0;
          for (const { key, advanceMs } of steps) {
            nowMs += advanceMs;
            const name = KEY_SHAPES[key % KEY_SHAPES.length]?.(key) as string;
            if (window.seen(name, nowMs) !== reference.seen(name, nowMs)) return false;
            if (window.size !== reference.size) return false;
          }
          return true;
        },
      ),
      { numRuns: 300, seed: 20261129 },
    );
  });

  it("keys survive a growth of the ring while it wraps around", () => {
    const window = createDedupWindow({ maxEntries: 1_000, maxAgeMs: 10 });
    const long = (n: number) => `${"z".repeat(60)}${n}`;
    for (let n = 0; n < 40; n++) window.seen(`early-${n}`, 0);
    for (let n = 0; n < 24; n++) window.seen(long(n), 20);
    for (let n = 0; n < 40; n++) window.seen(`late-${n}`, 25); // the early ones are forgotten: the ring wraps
    expect(window.seen("one more: the full ring grows", 25)).toBe(false);
    for (let n = 0; n < 24; n++) expect(window.seen(long(n), 25)).toBe(true);
    expect(window.seen(long(24), 25)).toBe(false);
    expect(window.seen("late-39", 25)).toBe(true);
  });

  it("tells apart keys whose hashes are equal", () => {
    // Keys that share a hash are found by comparing the strings: any hash may collide.
    const index = new RingKeyIndex();
    index.reset(8);
    const ring = new PackedKeys(8);
    for (const [slot, key] of ["first", "second", "third"].entries()) {
      ring.set(slot, key);
      index.add(7, slot);
    }
    expect(index.has("second", 7, ring)).toBe(true);
    expect(index.has("fourth", 7, ring)).toBe(false);
    index.delete(7, 0);
    ring.delete(0);
    expect(index.has("third", 7, ring)).toBe(true);
    expect(index.has("first", 7, ring)).toBe(false);
  });

  it("hashes spread uuids over the low bits the table uses", () => {
    const buckets = new Array(64).fill(0);
    for (let n = 0; n < 6_400; n++) buckets[keyHash(crypto.randomUUID()) & 63] += 1;
    // 100 expected per bucket; a hash that ignored most of the key would pile them into a few.
    expect(Math.max(...buckets)).toBeLessThan(200);
  });
});
