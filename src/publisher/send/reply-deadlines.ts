// The deadlines of the PUBLISHes awaiting their reply: one timer for all of them, armed for the oldest.
// A timeout means that no reply came, not that this process was too busy to read it (see onTimer).

import { Fifo } from "../queues/fifo.js";

/** What the tracker needs of an attempt: which attempt of its message decides, and when it times out. */
export interface AwaitedAttempt {
  /** The attempt whose reply decides; anything else means it was answered, resent or settled. */
  attempt: number;
  /** When that attempt times out (epoch ms). */
  timeoutAt: number;
}

export class ReplyDeadlines<T extends AwaitedAttempt> {
  readonly #items = new Fifo<T>();
  readonly #attempts = new Fifo<number>();
  readonly #timeoutMs: number;
  readonly #onTimeout: (item: T, attempt: number) => void;
  #timer: NodeJS.Timeout | undefined;
  /** Set between a timer that fired on time and the look after the next poll phase. */
  #afterPollCheck: NodeJS.Immediate | undefined;
  /** When the armed timer should fire: how late it fires is how long the event loop was blocked. */
  #dueAt = 0;
  /** Replies read so far; compared across one loop turn, it tells whether replies were waiting unread. */
  #replies = 0;
  #repliesAtTimer = 0;
  /** No attempt times out before this: the connection was answering, or this process was not reading. */
  #graceUntil = 0;
  /** Lateness of the timer above which the loop counts as blocked. */
  readonly #stallMs: number;

  constructor(timeoutMs: number, onTimeout: (item: T, attempt: number) => void) {
    this.#timeoutMs = timeoutMs;
    this.#onTimeout = onTimeout;
    this.#stallMs = Math.max(20, timeoutMs / 10);
  }

  /** Starts the deadline of `item`'s current attempt, sent at `now`; replies come in send order. */
  track(item: T, now: number): void {
    // Answered ones are forgotten here too, not only when the timer fires: kept for a whole timeout, every
    // message sent meanwhile would outlive the young generation and make the garbage collector copy it.
    this.#dropAnswered();
    item.timeoutAt = now + this.#timeoutMs;
    this.#items.push(item);
    this.#attempts.push(item.attempt);
    if (this.#timer === undefined && this.#afterPollCheck === undefined) this.#arm(now);
  }

  /** A reply (or a reply error) was read: the connection is answering. Cheap: no clock reading. */
  noteReply(): void {
    this.#replies += 1;
  }

  /** Attempts tracked and not yet known to be answered (answered ones are forgotten lazily). */
  get size(): number {
    return this.#items.length;
  }

  clear(): void {
    clearTimeout(this.#timer);
    clearImmediate(this.#afterPollCheck);
    this.#timer = undefined;
    this.#afterPollCheck = undefined;
    this.#items.clear();
    this.#attempts.clear();
  }

  #arm(now: number): void {
    this.#dropAnswered();
    const oldest = this.#items.at(0);
    if (oldest === undefined) return;
    this.#dueAt = Math.max(oldest.timeoutAt, this.#graceUntil);
    this.#timer = setTimeout(this.#onTimer, Math.max(0, this.#dueAt - now));
    // Never what keeps a process alive: a PUBLISH in flight has a connection that does.
    this.#timer.unref();
  }

  /**
   * Timers run before the poll phase reads sockets: after a blocked loop, replies that came in time are still
   * unread when this fires. So a late timer grants every attempt a new full timeout, and an on-time one
   * looks again after the next poll phase (setImmediate); replies read meanwhile also grant a new timeout,
   * since replies come in send order and the next one awaited is on its way. Only an attempt whose reply
   * stayed away for a full timeout while this process was reading times out.
   */
  readonly #onTimer = (): void => {
    this.#timer = undefined;
    const now = Date.now();
    if (now - this.#dueAt > this.#stallMs) {
      this.#graceUntil = now + this.#timeoutMs;
      this.#arm(now);
      return;
    }
    this.#repliesAtTimer = this.#replies;
    this.#afterPollCheck = setImmediate(this.#afterPoll);
  };

  readonly #afterPoll = (): void => {
    const now = Date.now();
    this.#afterPollCheck = undefined;
    if (this.#replies !== this.#repliesAtTimer) this.#graceUntil = now + this.#timeoutMs;
    if (now >= this.#graceUntil) this.#expire(now);
    if (this.#timer === undefined) this.#arm(now);
  };

  #expire(now: number): void {
    for (;;) {
      this.#dropAnswered();
      const oldest = this.#items.at(0);
      if (oldest === undefined || oldest.timeoutAt > now) return;
      const attempt = this.#attempts.shift() as number;
      this.#items.shift();
      this.#onTimeout(oldest, attempt);
    }
  }

  /** Forgets answered attempts at the front: replies come in send order, so that is where they are. */
  #dropAnswered(): void {
    for (;;) {
      const oldest = this.#items.at(0);
      if (oldest === undefined || oldest.attempt === this.#attempts.at(0)) return;
      this.#items.shift();
      this.#attempts.shift();
    }
  }
}
