// The buffer's memory queue: FIFO order, the journal bytes it accounts for, and removal up to a seq.
import { describe, expect, it } from "vitest";
import { type Slot, SlotQueue } from "../../src/publisher/queues/slot-queue.js";

const slot = (seq: number, journalBytes = 10): Slot => ({
  entry: { seq, channel: "a", payload: "{}", bufferedAt: 0 },
  journalBytes,
});
const seqsOf = (queue: SlotQueue) => Array.from(queue, (s) => s.entry.seq);

function queueOf(...seqs: number[]): SlotQueue {
  const queue = new SlotQueue();
  for (const seq of seqs) queue.push(slot(seq));
  return queue;
}

describe("SlotQueue", () => {
  it.each<[string, (q: SlotQueue) => unknown, number[], unknown]>([
    ["shift takes the oldest", (q) => q.shift()?.entry.seq, [2, 3, 4], 1],
    ["pop takes the newest", (q) => q.pop()?.entry.seq, [1, 2, 3], 4],
    ["peek leaves it in place", (q) => q.peek()?.entry.seq, [1, 2, 3, 4], 1],
    ["shiftUpTo removes every entry up to the seq", (q) => q.shiftUpTo(2), [3, 4], undefined],
    ["shiftUpTo below the oldest removes nothing", (q) => q.shiftUpTo(0), [1, 2, 3, 4], undefined],
    ["shiftUpTo beyond the newest empties it", (q) => q.shiftUpTo(99), [], undefined],
  ])("%s", (_name, act, left, returned) => {
    const queue = queueOf(1, 2, 3, 4);
    expect(act(queue)).toBe(returned);
    expect(seqsOf(queue)).toEqual(left);
    expect([queue.length, queue.journalBytes]).toEqual([left.length, left.length * 10]);
  });

  it("an empty queue shifts and pops nothing", () => {
    const queue = new SlotQueue();
    expect([queue.shift(), queue.pop(), queue.peek(), queue.length, queue.journalBytes]).toEqual([
      undefined,
      undefined,
      undefined,
      0,
      0,
    ]);
  });

  it("keeps order and byte count across the internal trim of a long-moving head", () => {
    const queue = new SlotQueue();
    for (let seq = 1; seq <= 5000; seq++) queue.push(slot(seq, seq % 7));
    for (let n = 0; n < 3000; n++) queue.shift();
    queue.push(slot(5001, 1));
    expect(seqsOf(queue)).toEqual(Array.from({ length: 2001 }, (_, i) => 3001 + i));
    const bytes = seqsOf(queue).reduce((sum, seq) => sum + (seq === 5001 ? 1 : seq % 7), 0);
    expect(queue.journalBytes).toBe(bytes);
  });
});
