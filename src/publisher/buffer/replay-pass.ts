// Replay passes over the fallback buffer, one at a time (drain()), oldest first, pipelined: up to REPLAY_WINDOW
// PUBLISHes in flight, each entry acknowledged in order after its reply. A pass stops at the first failure; the
// rest stays buffered, and the replies of a failed pass still due are kept here so that they meet their own
// attempts. When passes run (a retry delay, the connection back) is the Replayer's business (replayer.ts).
import type { ConnectionGate } from "../connection/connection-gate.js";
import { PublishTimeoutError, TooFewSubscribersError } from "../errors.js";
import type { EventHub, PublisherLogger } from "../publisher-events.js";
import { Fifo } from "../queues/fifo.js";
import type { ReplyReceiver, SendAttempt } from "../send/publish-attempt.js";
import { ReplyDeadlines } from "../send/reply-deadlines.js";
import { isReplyError } from "../send/retry.js";
import type { BufferedEntry, FallbackBuffer } from "./fallback-buffer.js";

/** PUBLISHes of buffered messages in flight at once; enough to keep Redis busy, bounded for memory. */
export const REPLAY_WINDOW = 1_024;

export interface ReplayPassOptions {
  /** PUBLISH or SPUBLISH, on a single Redis or a cluster. */
  readonly send: SendAttempt;
  readonly gate: ConnectionGate;
  readonly buffer: FallbackBuffer;
  readonly hub: EventHub;
  readonly logger: PublisherLogger;
  readonly commandTimeoutMs: number;
  /** How many subscribers a PUBLISH to this address must reach; above 0, that entry goes alone. */
  readonly minSubscribersOf: (address: string) => number;
  /** An entry left the buffer because its replay was acknowledged. */
  readonly onReplayed: (entry: BufferedEntry, subscribers: number, acknowledged: boolean) => void;
  /** An entry dropped by the overflow policy while its PUBLISH was in flight, which then failed. */
  readonly onDroppedInFlight: (entry: BufferedEntry) => void;
  /** True when nothing more may be sent: the publisher is closing and this is not its final pass. */
  readonly closing: () => boolean;
}

/** One buffered entry's PUBLISH in flight. */
interface ReplayAttempt {
  readonly entry: BufferedEntry;
  readonly minSubscribers: number;
  /** 1 while its reply decides, 0 once answered or abandoned (what ReplyDeadlines looks at). */
  attempt: number;
  timeoutAt: number;
  /** Dropped by the overflow policy while in flight: reported dropped only if its PUBLISH fails. */
  evicted: boolean;
  /** Its reply's subscriber count, once it came: it is acknowledged when every earlier entry's has come. */
  subscribers: number | undefined;
  /** Its outcome no longer counts (a rejection, or the pass failed): it stays buffered. */
  abandoned: boolean;
}

export class ReplayPass {
  readonly #o: ReplayPassOptions;
  readonly #deadlines: ReplyDeadlines<ReplayAttempt>;
  /**
   * Sent and not yet acknowledged, in send order. On one connection replies come in that order; on a
   * cluster, replies from different masters interleave, so each reply finds its own attempt and the
   * buffer is acknowledged in send order once every earlier reply has come.
   */
  readonly #inFlight = new Fifo<ReplayAttempt>();
  #batch: BufferedEntry[] = [];
  #next = 0;
  #failed = false;
  #finishBatch: ((emptied: boolean) => void) | undefined;

  constructor(options: ReplayPassOptions) {
    this.#o = options;
    this.#deadlines = new ReplyDeadlines<ReplayAttempt>(options.commandTimeoutMs, (attempt) =>
      this.#fail(attempt.entry, new PublishTimeoutError(options.commandTimeoutMs)),
    );
  }

  /** Marks an entry dropped by the overflow policy; true when its PUBLISH is in flight (it decides). */
  claimEvicted(entry: BufferedEntry): boolean {
    for (let i = 0; i < this.#inFlight.length; i++) {
      const attempt = this.#inFlight.at(i) as ReplayAttempt;
      if (attempt.entry.seq === entry.seq) {
        attempt.evicted = true;
        return !attempt.abandoned; // sent, or answered and waiting its turn: its outcome still counts
      }
    }
    return false;
  }

  /** Forgets the reply deadlines (after the final pass: nothing waits for them any more). */
  clearDeadlines(): void {
    this.#deadlines.clear();
  }

  /** Publishes buffered entries oldest first; stops at the first failure. True when the buffer was emptied. */
  async drain(): Promise<boolean> {
    this.#failed = false;
    for (;;) {
      if (this.#halted()) return false;
      // Replies of a failed pass still due: a new pass waits (the retry timer comes back), so that the
      // callbacks always meet their own attempts.
      if (this.#inFlight.length > 0) return false;
      const batch = this.#o.buffer.entries();
      if (batch.length === 0) return true;
      const emptied = await new Promise<boolean>((resolve) => {
        this.#batch = batch;
        this.#next = 0;
        this.#failed = false;
        this.#finishBatch = resolve;
        this.#send();
      });
      if (!emptied) return false;
    }
  }

  /** Sends the batch's next entries while the window allows; one clock reading for the loop. */
  #send(): void {
    const { send, gate, buffer, minSubscribersOf } = this.#o;
    const now = Date.now();
    while (!this.#halted() && this.#next < this.#batch.length && this.#inFlight.length < REPLAY_WINDOW) {
      const entry = this.#batch[this.#next] as BufferedEntry;
      const oldest = buffer.oldest();
      if (oldest === undefined || entry.seq < oldest.seq) {
        this.#next += 1; // dropped by the overflow policy before its turn (and reported then)
        continue;
      }
      const minSubscribers = minSubscribersOf(entry.channel);
      // Whether the next may go depends on this one's subscriber count: it goes alone.
      if (minSubscribers > 0 && this.#inFlight.length > 0) return;
      if (!gate.ready) {
        this.#fail(entry, gate.notReadyError());
        break;
      }
      const attempt: ReplayAttempt = {
        entry,
        minSubscribers,
        attempt: 1,
        timeoutAt: 0,
        evicted: false,
        subscribers: undefined,
        abandoned: false,
      };
      this.#inFlight.push(attempt);
      this.#deadlines.track(attempt, now);
      this.#next += 1;
      send(entry.channel, entry.payload, attempt, 1, this.#replies);
      if (minSubscribers > 0) return;
    }
    this.#finishIfDone();
  }

  // Where every replayed PUBLISH's outcome goes, with its own attempt: made once, no callbacks per message.
  readonly #replies: ReplyReceiver<ReplayAttempt> = {
    onReply: (attempt, _number, subscribers) => this.#onReply(attempt, subscribers),
    onError: (attempt, _number, error) => this.#onRejected(attempt, error),
  };

  readonly #onReply = (attempt: ReplayAttempt, subscribers: number): void => {
    this.#deadlines.noteReply();
    attempt.attempt = 0;
    attempt.subscribers = subscribers;
    if (this.#acknowledgeAnswered()) this.#send();
    else this.#finishIfDone();
  };

  readonly #onRejected = (attempt: ReplayAttempt, error: unknown): void => {
    if (isReplyError(error)) this.#deadlines.noteReply();
    if (!attempt.abandoned) this.#fail(attempt.entry, error, attempt);
    attempt.subscribers = -1; // answered: it leaves #inFlight in its turn, unacknowledged
    this.#acknowledgeAnswered();
    this.#finishIfDone();
  };

  /**
   * Takes the answered attempts off the front of #inFlight, in send order, acknowledging each one still
   * counted; an entry is never acknowledged before every earlier one. False when one failed the pass.
   */
  #acknowledgeAnswered(): boolean {
    for (let head = this.#inFlight.at(0); head?.subscribers !== undefined; head = this.#inFlight.at(0)) {
      this.#inFlight.shift();
      if (!head.abandoned && !this.#acknowledge(head, head.subscribers)) return false;
    }
    return !this.#failed;
  }

  /** One replayed entry's reply, in its turn: acknowledged, or the pass fails. False when it failed. */
  #acknowledge(attempt: ReplayAttempt, subscribers: number): boolean {
    if (subscribers < attempt.minSubscribers) {
      this.#fail(attempt.entry, new TooFewSubscribersError(subscribers, attempt.minSubscribers), attempt);
      return false;
    }
    let acknowledged: boolean;
    try {
      // Acknowledged only after the reply: a crash before this line replays the message again (at-least-once).
      // False when drop-oldest evicted the entry while it was being sent: it got through all the same.
      acknowledged = this.#o.buffer.acknowledge(attempt.entry.seq);
    } catch (error) {
      this.#fail(attempt.entry, error, attempt);
      return false;
    }
    this.#o.onReplayed(attempt.entry, subscribers, acknowledged);
    return true;
  }

  /** Stops the pass: nothing more is sent, and no reply still to come counts (those entries stay buffered). */
  #fail(entry: BufferedEntry, error: unknown, failed?: ReplayAttempt): void {
    if (this.#failed) return;
    this.#failed = true;
    // Taken out of #inFlight already: dropped meanwhile, it will not be sent again, and it may not have run.
    if (failed?.evicted === true) this.#o.onDroppedInFlight(entry);
    if (failed !== undefined) {
      failed.attempt = 0;
      failed.abandoned = true;
    }
    for (let i = 0; i < this.#inFlight.length; i++) {
      const attempt = this.#inFlight.at(i) as ReplayAttempt;
      if (attempt.abandoned) continue;
      // Evicted, it is gone from the buffer and not sent again: answered well (it waited its turn behind
      // the failed one), it got through; otherwise its outcome is unknown.
      if (attempt.evicted) this.#reportEvicted(attempt);
      attempt.attempt = 0;
      attempt.abandoned = true;
    }
    const bufferSize = this.#o.buffer.size;
    const eventId = eventIdOf(entry.payload);
    this.#o.hub.emit("replayStopped", { channel: entry.channel, eventId, error, bufferSize });
    this.#o.logger.info?.("publisher: replay stopped; the rest stays buffered", {
      channel: entry.channel,
      bufferSize,
      error,
    });
  }

  #reportEvicted(attempt: ReplayAttempt): void {
    const { subscribers, minSubscribers, entry } = attempt;
    if (subscribers !== undefined && subscribers >= minSubscribers)
      this.#o.onReplayed(entry, subscribers, false);
    else this.#o.onDroppedInFlight(entry);
  }

  /** Sends no more: the pass failed, or the publisher is closing (unless this is the final pass). */
  #halted(): boolean {
    return this.#failed || this.#o.closing();
  }

  /**
   * Ends the batch once nothing is left to send and every reply has come, or at once when it failed.
   */
  #finishIfDone(): void {
    if (this.#finishBatch === undefined) return;
    // A failed pass ends at once (its late replies no longer count); any other waits for its replies.
    if (
      !this.#failed &&
      (this.#inFlight.length > 0 || (!this.#halted() && this.#next < this.#batch.length))
    ) {
      return;
    }
    const finish = this.#finishBatch;
    this.#finishBatch = undefined;
    const complete = !this.#failed && this.#next >= this.#batch.length;
    this.#batch = [];
    finish(complete);
  }
}

const EVENT_ID = /"event_id":"([^"\\]*)"/;

/** The event id of a serialised message, for reports only (journals written by others may lack it). */
export function eventIdOf(body: string): string | undefined {
  return EVENT_ID.exec(body)?.[1];
}
