// The dedup window's keys by ring slot, packed into one byte array. An event id (a uuid, 36 characters) or a
// body digest (28) is short Latin-1 text. Kept as JavaScript strings, a window of 100,000 keys is 100,000 heap
// objects: each message adds one that outlives the young generation, so the collector copies it into the old
// generation and sweeps it later, and those collections are what the slowest messages wait on. Packed, the
// window holds one array buffer whatever its size. A key that does not fit (longer than KEY_BYTES, or a
// character beyond Latin-1) is kept as a string.

/** The longest key kept packed: a uuid with its "urn:uuid:" prefix (45) fits. */
export const KEY_BYTES = 47;
/** Per slot: the key's length + 1 (0: no packed key), then its characters, one byte each. */
const STRIDE = KEY_BYTES + 1;

export class PackedKeys {
  readonly #bytes: Uint8Array;
  /** The keys that do not fit, by slot: rare, so a map. */
  readonly #strings = new Map<number, string>();

  constructor(readonly slots: number) {
    this.#bytes = new Uint8Array(slots * STRIDE);
  }

  set(slot: number, key: string): void {
    const bytes = this.#bytes;
    const at = slot * STRIDE;
    if (key.length <= KEY_BYTES && this.#pack(at, key)) {
      bytes[at] = key.length + 1;
      if (this.#strings.size > 0) this.#strings.delete(slot);
      return;
    }
    bytes[at] = 0;
    this.#strings.set(slot, key);
  }

  /** Whether `slot` holds `key`. */
  equals(slot: number, key: string): boolean {
    const bytes = this.#bytes;
    const at = slot * STRIDE;
    const stored = bytes[at] as number;
    if (stored === 0) return this.#strings.get(slot) === key;
    const length = stored - 1;
    if (length !== key.length) return false;
    for (let i = 0; i < length; i++) if (bytes[at + 1 + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  delete(slot: number): void {
    if (this.#bytes[slot * STRIDE] === 0) this.#strings.delete(slot);
  }

  /** Copies the key in `slot` to `target`'s slot `to` (the window's growth). */
  copyTo(slot: number, target: PackedKeys, to: number): void {
    const at = slot * STRIDE;
    if (this.#bytes[at] === 0) {
      const key = this.#strings.get(slot);
      if (key !== undefined) target.set(to, key);
      return;
    }
    target.#bytes.set(this.#bytes.subarray(at, at + STRIDE), to * STRIDE);
  }

  /** Writes the key's characters after the length byte; false when one is beyond Latin-1. */
  #pack(at: number, key: string): boolean {
    const bytes = this.#bytes;
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(i);
      if (code > 0xff) return false;
      bytes[at + 1 + i] = code;
    }
    return true;
  }
}
