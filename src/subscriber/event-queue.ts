// A bounded queue behind an async iterator. Pub/sub cannot push back on a publisher, so when the
// consumer falls behind, the overflow policy decides explicitly what is lost.
import { StreamOverflowError } from "./errors.js";

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

export function createEventQueue<T>(options: EventQueueOptions): EventQueue<T> {
  const { highWaterMark, overflow } = options;
  if (!Number.isInteger(highWaterMark) || highWaterMark < 1) {
    throw new RangeError(`highWaterMark must be a positive integer, not ${highWaterMark}`);
  }
  const items: T[] = [];
  let head = 0;
  const waiters: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }[] = [];
  let ended = false;
  let failure: Error | undefined;
  let detached = false;

  const detach = () => {
    if (detached) return;
    detached = true;
    options.onDetach();
  };
  const queued = () => items.length - head;
  const shift = (): T => {
    const item = items[head] as T;
    items[head] = undefined as T;
    head += 1;
    // Compact now and then, so shifting stays O(1) amortised.
    if (head > 1024 && head * 2 > items.length) {
      items.splice(0, head);
      head = 0;
    }
    return item;
  };
  const settleWaiters = () => {
    while (waiters.length > 0 && (queued() > 0 || ended)) {
      const waiter = waiters.shift();
      if (!waiter) break;
      if (queued() > 0) waiter.resolve({ value: shift(), done: false });
      else if (failure) {
        const error = failure;
        failure = undefined;
        waiter.reject(error);
      } else waiter.resolve({ value: undefined, done: true });
    }
  };

  const queue: EventQueue<T> = {
    push(item) {
      if (ended) return;
      if (waiters.length > 0) {
        waiters.shift()?.resolve({ value: item, done: false });
        return;
      }
      if (queued() < highWaterMark) {
        items.push(item);
        return;
      }
      options.onDrop();
      if (overflow === "drop-oldest") {
        shift();
        items.push(item);
      } else if (overflow === "error") {
        failure = new StreamOverflowError(highWaterMark);
        ended = true;
        detach();
      }
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
      return queued();
    },
    next() {
      if (queued() > 0) return Promise.resolve({ value: shift(), done: false });
      if (failure) {
        const error = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    return() {
      ended = true;
      failure = undefined;
      items.length = 0;
      head = 0;
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
