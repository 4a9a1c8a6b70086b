// Finds a key among the dedup window's ring slots: an open-addressing hash table over typed arrays
// (linear probing, backward-shift deletion) holding each key's 32-bit hash beside its ring slot.
// A V8 Set of 100,000 strings costs some ten cache misses per message (bucket, chain entries, and
// each candidate string to compare); here a lookup reads one table line and compares a string only
// when the hashes are equal, which for a new key is almost never.

import type { PackedKeys } from "./packed-keys.js";

/** Slots per table entry: the key's hash, then its ring slot + 1 (0 = empty). */
const STRIDE = 2;

export class RingKeyIndex {
  private table = new Int32Array(0);
  private mask = 0;

  /** An empty index sized for a ring of `ringSlots` (at most half full). */
  reset(ringSlots: number): void {
    let slots = 64;
    while (slots < ringSlots * 2) slots *= 2;
    this.table = new Int32Array(slots * STRIDE);
    this.mask = slots - 1;
  }

  /** Whether `key` is in the ring: a slot with its hash whose ring key is the same string. */
  has(key: string, hash: number, ring: Pick<PackedKeys, "equals">): boolean {
    const { table, mask } = this;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const ringSlot = table[slot * STRIDE + 1] as number;
      if (ringSlot === 0) return false;
      if (table[slot * STRIDE] === hash && ring.equals(ringSlot - 1, key)) return true;
    }
  }

  add(hash: number, ringSlot: number): void {
    const { table, mask } = this;
    let slot = hash & mask;
    while (table[slot * STRIDE + 1] !== 0) slot = (slot + 1) & mask;
    table[slot * STRIDE] = hash;
    table[slot * STRIDE + 1] = ringSlot + 1;
  }

  /** Forgets the entry of a ring slot (it must be present), closing the gap it leaves in its probe run. */
  delete(hash: number, ringSlot: number): void {
    const { table, mask } = this;
    let hole = hash & mask;
    while (table[hole * STRIDE + 1] !== ringSlot + 1) hole = (hole + 1) & mask;
    for (let next = (hole + 1) & mask; table[next * STRIDE + 1] !== 0; next = (next + 1) & mask) {
      const home = (table[next * STRIDE] as number) & mask;
      // An entry moves back into the hole unless its home lies after the hole (cyclically).
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        table[hole * STRIDE] = table[next * STRIDE] as number;
        table[hole * STRIDE + 1] = table[next * STRIDE + 1] as number;
        hole = next;
      }
    }
    table[hole * STRIDE + 1] = 0;
  }
}

/** A 32-bit hash of a string (FNV-1a with a final mix: the table uses the low bits). */
export function keyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  return hash ^ (hash >>> 13);
}
