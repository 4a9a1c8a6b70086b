// A growable ring buffer: O(1) push and shift without the copying Array#shift does on large arrays.
// The publisher keeps its per-channel send queues and its timeout queue in these.

export class Fifo<T> {
  #items: (T | undefined)[] = new Array(16);
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) & (this.#items.length - 1)] = item;
    this.#length += 1;
  }

  /** The item `index` places after the first; undefined past the end. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return this.#items[(this.#head + index) & (this.#items.length - 1)];
  }

  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined; // let it be collected
    this.#head = (this.#head + 1) & (this.#items.length - 1);
    this.#length -= 1;
    return item;
  }

  /** Position of `item` counted from the first, or -1. Cheap when it is near the front, as it usually is. */
  indexOf(item: T): number {
    for (let i = 0; i < this.#length; i++) if (this.at(i) === item) return i;
    return -1;
  }

  /** Removes the item at `index`, keeping the order of the rest. O(index). */
  removeAt(index: number): T | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    if (index === 0) return this.shift();
    const mask = this.#items.length - 1;
    const item = this.#items[(this.#head + index) & mask];
    for (let i = index; i > 0; i--) {
      this.#items[(this.#head + i) & mask] = this.#items[(this.#head + i - 1) & mask];
    }
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & mask;
    this.#length -= 1;
    return item;
  }

  clear(): void {
    this.#items = new Array(16);
    this.#head = 0;
    this.#length = 0;
  }

  #grow(): void {
    // Capacity stays a power of two, so that wrapping is a mask.
    const items: (T | undefined)[] = new Array(this.#items.length * 2);
    for (let i = 0; i < this.#length; i++) items[i] = this.at(i);
    this.#items = items;
    this.#head = 0;
  }
}
