// A bounded queue behind an async iterator. Pub/sub cannot push back on a publisher, so when the
// consumer falls behind, the overflow policy decides explicitly what is lost.
import { StreamOverflowError } from "../errors.js";

/**
 * What to do with a message that arrives while the queue holds `highWaterMark` events:
 * - `drop-oldest`: discard the oldest queued event (the consumer sees the most recent ones);
 * - `drop-newest`: discard the arriving event (the consumer sees an unbroken prefix);
 * - `error`: discard the arriving event, detach, and end the iteration with a StreamOverflowError
 *   once the queued events are consumed.
 */
export type OverflowPolicy = "drop-oldest" | "drop-newest" | "error";

export interface EventQueueOptions {
  readonly highWaterMark: number;
  readonly overflow: OverflowPolicy;
  /** Called once per discarded event. */
  readonly onDrop: () => void;
  /** Called once when the iteration ends for any reason (break, return, overflow error, end). */
  readonly onDetach: () => void;
}

export interface EventQueue<T> extends AsyncIterableIterator<T> {
  push(item: T): void;
  /** Ends the iteration after the queued events: no more pushes are accepted. */
  end(): void;
  /** Like end(), but the iteration then throws `error`. */
  fail(error: Error): void;
  readonly length: number;
}

type Waiter<T> = { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void };

export function createEventQueue<T>(options: EventQueueOptions): EventQueue<T> {
  const { highWaterMark, overflow } = options;
  assertPositiveInteger(highWaterMark);
  const items = createItemBuffer<T>();
  // Never non-empty together with `items`: a push goes straight to a waiting next().
  const waiters: Waiter<T>[] = [];
  let ended = false;
  // Only ever set together with `ended`; handed out once, after the queued items.
  let failure: Error | undefined;
  const detach = once(() => options.onDetach());

  /** Hands each waiting next() what is there now: an item, else the failure (once), else the end. */
  const settleWaiters = () => {
    while (waiters.length > 0 && (items.length > 0 || ended)) {
      const waiter = waiters.shift() as Waiter<T>;
      if (items.length > 0) waiter.resolve({ value: items.shift(), done: false });
      else if (failure) {
        waiter.reject(failure);
        failure = undefined;
      } else waiter.resolve({ value: undefined, done: true });
    }
  };
  /** The queue is full when `item` arrives: the overflow policy decides what is lost. */
  const pushOverflowing = (item: T) => {
    options.onDrop();
    if (overflow === "drop-oldest") {
      items.shift();
      items.push(item);
    } else if (overflow === "error") {
      failure = new StreamOverflowError(highWaterMark);
      ended = true;
      detach();
    }
  };

  const queue: EventQueue<T> = {
    push(item) {
      if (ended) return;
      const waiter = waiters.shift();
      if (waiter) waiter.resolve({ value: item, done: false });
      else if (items.length < highWaterMark) items.push(item);
      else pushOverflowing(item);
    },
    end() {
      ended = true;
      detach();
      settleWaiters();
    },
    fail(error) {
      if (ended) return;
      failure = error;
      queue.end();
    },
    get length() {
      return items.length;
    },
    next() {
      // Settles at once when something is there: waiters only wait while the queue is empty and open.
      return new Promise((resolve, reject) => {
        waiters.push({ resolve, reject });
        settleWaiters();
      });
    },
    return() {
      ended = true;
      failure = undefined;
      items.clear();
      detach();
      settleWaiters();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return queue;
    },
  };
  return queue;
}

function assertPositiveInteger(highWaterMark: number): void {
  if (!Number.isInteger(highWaterMark) || highWaterMark < 1) {
    throw new RangeError(`highWaterMark must be a positive integer, not ${highWaterMark}`);
  }
}

/** `run` on the first call only: the stream detaches once, whichever way the iteration ends. */
function once(run: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    run();
  };
}

/** A FIFO whose shift() is O(1) amortised: Array#shift copies the whole array on every call. */
function createItemBuffer<T>() {
  const items: T[] = [];
  let head = 0; // items before head are consumed
  return {
    get length() {
      return items.length - head;
    },
    push(item: T) {
      items.push(item);
    },
    shift(): T {
      const item = items[head] as T;
      items[head] = undefined as T; // let the consumed item be collected
      head += 1;
      // Compact now and then: drop the consumed prefix once it is most of the array.
      if (head > 1024 && head * 2 > items.length) {
        items.splice(0, head);
        head = 0;
      }
      return item;
    },
    clear() {
      items.length = 0;
      head = 0;
    },
  };
}
