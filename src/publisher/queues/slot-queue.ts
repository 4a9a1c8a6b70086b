// The fallback buffer's memory: a FIFO of buffered entries, each with the size of its journal line so the
// journal knows how much of its file is still live. No policy here: capacity and overflow are the buffer's.

export interface BufferedEntry {
  /** Assigned on append; strictly increasing, also across restarts with the same journal. */
  readonly seq: number;
  readonly channel: string;
  /** The exact JSON text that was to be published. */
  readonly payload: string;
  /** Date.now() at append. */
  readonly bufferedAt: number;
}

export interface Slot {
  readonly entry: BufferedEntry;
  /** Length of the entry's journal line (0 in memory only), to know how much of the file is dead. */
  readonly journalBytes: number;
}

/** FIFO with O(1) amortised push/shift: a moving head over an array that is trimmed now and then. */
export class SlotQueue implements Iterable<Slot> {
  private slots: (Slot | undefined)[] = [];
  private head = 0;
  /** Sum of the slots' journalBytes. */
  private bytes = 0;

  get length(): number {
    return this.slots.length - this.head;
  }

  get journalBytes(): number {
    return this.bytes;
  }

  push(slot: Slot): void {
    this.slots.push(slot);
    this.bytes += slot.journalBytes;
  }

  peek(): Slot | undefined {
    return this.slots[this.head];
  }

  shift(): Slot | undefined {
    const slot = this.slots[this.head];
    if (slot === undefined) return undefined;
    this.slots[this.head] = undefined; // let the entry be collected
    this.head += 1;
    this.bytes -= slot.journalBytes;
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
    return slot;
  }

  /** Removes the newest slot. */
  pop(): Slot | undefined {
    if (this.length === 0) return undefined;
    const slot = this.slots.pop();
    if (slot !== undefined) this.bytes -= slot.journalBytes;
    return slot;
  }

  /** Removes every slot from the front whose seq is at most `seq` (what an ack or drop record means). */
  shiftUpTo(seq: number): void {
    while ((this.peek()?.entry.seq ?? Number.POSITIVE_INFINITY) <= seq) this.shift();
  }

  *[Symbol.iterator](): Iterator<Slot> {
    for (let i = this.head; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (slot !== undefined) yield slot;
    }
  }
}
