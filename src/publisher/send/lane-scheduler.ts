// Schedules the send lanes (one per concrete channel with unsettled publishes): sends each lane's messages
// in publish() order, pipelined, retries transient failures and gives up to the fallback buffer or the caller.
import type { ChannelSettings } from "../channel-settings.js";
import type { ConnectionGate } from "../connection/connection-gate.js";
import {
  ConnectionNotReadyError,
  PublishError,
  PublishTimeoutError,
  TooFewSubscribersError,
} from "../errors.js";
import type { PreparedMessage } from "../message/prepare-message.js";
import type { BufferReason, EventHub, PublisherLogger } from "../publisher-events.js";
import type { PublisherCounters } from "../publisher-stats.js";
import type { PublishResult } from "../publisher-types.js";
import type { ReplyReceiver, SendAttempt } from "./publish-attempt.js";
import { ReplyDeadlines } from "./reply-deadlines.js";
import { backoffDelay, isReplyError, isTransientRedisError, type RetryOptions } from "./retry.js";
import { type PendingPublish, SendLane, UnsettledCount } from "./send-lane.js";

export interface LaneSchedulerOptions {
  /** PUBLISH or SPUBLISH, on a single Redis or a cluster. */
  readonly send: SendAttempt;
  readonly gate: ConnectionGate;
  readonly retry: Required<RetryOptions>;
  readonly commandTimeoutMs: number;
  readonly hub: EventHub;
  readonly logger: PublisherLogger;
  readonly counters: PublisherCounters;
  readonly settingsOf: (message: PreparedMessage) => ChannelSettings;
  /** Whether messages to this address are in the fallback buffer: newer ones then queue behind them. */
  readonly hasBuffered: (address: string) => boolean;
  /** Puts a message in the fallback buffer; throws (a PublishError) when the buffer refuses it. */
  readonly toBuffer: (
    message: PreparedMessage,
    reason: BufferReason,
    attempts: number,
    error: unknown,
  ) => PublishResult;
}

// Ordering. Publishes are pipelined: a PUBLISH is written as soon as publish() is called, without waiting
// for the reply to the one before. Order holds because ioredis writes one connection's commands in call
// order (with autoResendUnfulfilledCommands, a caller's client resends the unanswered ones, in order,
// before anything new after a reconnect) and Redis runs one connection's commands in the order received.
// Where order could break is a failure, hence per channel:
// - messages are sent in call order, and those awaiting a reply are always the oldest unsettled ones;
// - when one fails transiently (connection lost, no reply in time, LOADING...), it and every later one
//   still awaiting a reply go again, in call order, after its backoff, and nothing newer goes before
//   them. Their first attempts may have run (a lost connection runs a prefix of what was written; a
//   timed-out PUBLISH may run late): at least once, not exactly once;
// - while a retry is pending, or messages are in the fallback buffer, newer messages queue behind;
// - with minSubscribers > 0 one PUBLISH is in flight at a time: whether the next may go depends on the
//   subscriber count in this one's reply (a subscriber joining mid-pipeline would get a later one first).
// So, per channel, the first copy of each message that Redis runs comes in publish() call order (a
// message rejected with PublishError may or may not have run; one dropped from the buffer never runs
// again, but it may have run before it was buffered). One exception: a
// "not now" reply error (LOADING, TRYAGAIN, CLUSTERDOWN) to one PUBLISH while Redis ran a later one of
// the same pipeline, i.e. the server's state flipped between the two; the later ones then go again
// after the retried one, so that the last copy of each is in order.
// Each PUBLISH carries its own message and attempt number to the reply receiver on purpose: ioredis may
// reject a new command at once, ahead of the replies to earlier ones, so pairing replies by order would be wrong.
export class LaneScheduler {
  readonly #o: LaneSchedulerOptions;
  readonly #lanes = new Map<string, SendLane>();
  // Every PUBLISH awaiting its reply, oldest first: one timer for all of them.
  readonly #replyDeadlines: ReplyDeadlines<PendingPublish>;
  // Releases of the lanes that are holding (backoff, waiting for the connection): drain() cuts them short.
  readonly #holds = new Set<() => void>();
  #lastAttempt = 0;
  #inFlight = 0;
  readonly #unsettled = new UnsettledCount();
  #closing = false;
  // Where every attempt's outcome goes: made once, so a send allocates no callbacks.
  readonly #replies: ReplyReceiver<PendingPublish> = {
    onReply: (pending, attempt, subscribers) => {
      this.#replyDeadlines.noteReply();
      this.#onReply(pending.lane, pending, attempt, subscribers);
    },
    onError: (pending, attempt, error) => {
      if (isReplyError(error)) this.#replyDeadlines.noteReply();
      this.#onAttemptFailed(pending.lane, pending, attempt, error);
    },
  };

  constructor(options: LaneSchedulerOptions) {
    this.#o = options;
    this.#replyDeadlines = new ReplyDeadlines<PendingPublish>(options.commandTimeoutMs, (pending, attempt) =>
      this.#onAttemptFailed(
        pending.lane,
        pending,
        attempt,
        new PublishTimeoutError(options.commandTimeoutMs),
      ),
    );
  }

  /** PUBLISHes of new messages sent and awaiting their reply, across lanes. */
  get inFlight(): number {
    return this.#inFlight;
  }

  get closing(): boolean {
    return this.#closing;
  }

  /** Queues a message on its channel's lane; it settles through resolve or reject. */
  enqueue(
    message: PreparedMessage,
    resolve: (result: PublishResult) => void,
    reject: (error: unknown) => void,
  ): void {
    const lane = this.#laneFor(message);
    lane.queue.push({ message, lane, attempts: 0, deadline: 0, attempt: 0, timeoutAt: 0, resolve, reject });
    this.#unsettled.add();
    this.#sendInOrder(lane);
  }

  /** Accepts nothing new, cuts retries short and resolves once every accepted message is settled. */
  async drain(): Promise<void> {
    this.#closing = true;
    for (const release of [...this.#holds]) release();
    await this.#unsettled.whenIdle();
    this.#replyDeadlines.clear();
  }

  #laneFor(message: PreparedMessage): SendLane {
    let lane = this.#lanes.get(message.address);
    if (lane === undefined) {
      lane = new SendLane(message.address, this.#o.settingsOf(message));
      this.#lanes.set(message.address, lane);
    }
    return lane;
  }

  /** Sends the lane's waiting messages in order, as far as it may: it stops at a hold or a serial lane's reply. */
  #sendInOrder(lane: SendLane): void {
    if (lane.pumping) return; // a listener publishing from inside: the loop below picks its message up
    lane.pumping = true;
    const now = Date.now(); // one reading for the whole loop: it runs without yielding
    try {
      while (lane.release === undefined && lane.inFlight < lane.queue.length) {
        if (lane.settings.minSubscribers > 0 && lane.inFlight > 0) break;
        const pending = lane.nextWaiting();
        if (lane.settings.buffer && this.#o.hasBuffered(lane.address)) {
          lane.queue.removeAt(lane.inFlight);
          this.#settleBuffered(pending, "behind-buffered", undefined);
          continue;
        }
        // The retry budget starts at the message's turn, as if it were the only one.
        if (pending.deadline === 0) pending.deadline = now + this.#o.retry.maxElapsedMs;
        if (!this.#o.gate.ready) {
          if (this.#waitForConnection(lane, pending, now)) break;
          continue;
        }
        this.#send(lane, pending, now);
      }
    } finally {
      lane.pumping = false;
    }
    if (lane.idle) this.#lanes.delete(lane.address);
  }

  /**
   * Not an attempt: nothing is sent. Waits for the connection within the budget, never in ioredis's queue.
   * True when the lane now holds; false when the message was settled and the next may be looked at.
   */
  #waitForConnection(lane: SendLane, pending: PendingPublish, now: number): boolean {
    const connectionError = this.#o.gate.fatalError;
    if (connectionError !== undefined) {
      lane.queue.removeAt(lane.inFlight);
      const { address, eventId } = pending.message;
      this.#unsettled.settle(pending);
      pending.reject(new PublishError(address, eventId, pending.attempts, false, connectionError));
      return false;
    }
    const remainingMs = pending.deadline - now;
    if (this.#closing || remainingMs <= 0) {
      lane.queue.removeAt(lane.inFlight);
      this.#giveUp(lane, pending, new ConnectionNotReadyError(this.#o.gate.status));
      return false;
    }
    this.#hold(lane, remainingMs, true);
    return true;
  }

  #send(lane: SendLane, pending: PendingPublish, now: number): void {
    const attempt = ++this.#lastAttempt;
    pending.attempts += 1;
    pending.attempt = attempt;
    lane.inFlight += 1;
    this.#inFlight += 1;
    this.#replyDeadlines.track(pending, now);
    this.#o.send(lane.address, pending.message.body, pending, attempt, this.#replies);
  }

  #onReply(lane: SendLane, pending: PendingPublish, attempt: number, subscribers: number): void {
    if (pending.attempt !== attempt) return; // timed out or resent meanwhile: this reply no longer decides
    const { minSubscribers } = lane.settings;
    if (subscribers < minSubscribers) {
      this.#onAttemptFailed(lane, pending, attempt, new TooFewSubscribersError(subscribers, minSubscribers));
      return;
    }
    this.#removeInFlight(lane, pending);
    this.#unsettled.settle(pending);
    this.#o.counters.published += 1;
    const { address, eventId } = pending.message;
    const { hub } = this.#o;
    if (hub.listens("published")) {
      hub.emit("published", { channel: address, eventId, subscribers, attempts: pending.attempts });
    }
    pending.resolve({
      status: "published",
      channel: address,
      eventId,
      subscribers,
      attempts: pending.attempts,
    });
    if (minSubscribers > 0 || lane.queue.length === 0) this.#sendInOrder(lane);
  }

  #onAttemptFailed(lane: SendLane, pending: PendingPublish, attempt: number, error: unknown): void {
    if (pending.attempt !== attempt) return;
    const { address, eventId } = pending.message;
    const { retry, logger } = this.#o;
    if (!isTransientRedisError(error)) {
      this.#removeInFlight(lane, pending);
      this.#unsettled.settle(pending);
      logger.error?.("publisher: publish failed, not retried", { channel: address, error });
      pending.reject(new PublishError(address, eventId, pending.attempts, false, error));
      this.#sendInOrder(lane);
      return;
    }
    // This message and the ones sent after it to the channel go again, in order: their replies no longer count.
    const inFlightBefore = lane.inFlight;
    const followers = lane.rewindFrom(pending);
    if (followers === undefined) return; // cannot happen: an attempt that counts is in flight
    const index = lane.inFlight; // where `pending` is: the first of the lane's queue not in flight
    this.#inFlight -= inFlightBefore - index;

    const delayMs = backoffDelay(pending.attempts, retry);
    const retrying =
      !this.#closing && pending.attempts < retry.maxAttempts && Date.now() + delayMs <= pending.deadline;
    if (retrying) {
      this.#hold(lane, delayMs, false);
      this.#reportRetried(address, [pending], delayMs, error);
      logger.debug?.("publisher: transient failure, retrying", { channel: address, delayMs, error });
    } else {
      // Settled before anything else can run (a listener publishing to this channel): nothing overtakes it.
      lane.queue.removeAt(index);
      this.#giveUp(lane, pending, error);
    }
    // The followers go again either way: after the backoff, or at once behind the one given up.
    this.#reportRetried(address, followers, retrying ? delayMs : 0, error);
    if (!retrying) this.#sendInOrder(lane);
  }

  /** Counts each message that goes again and emits its `retried` event, in the lane's order. */
  #reportRetried(address: string, retried: Iterable<PendingPublish>, delayMs: number, error: unknown): void {
    const { hub, counters } = this.#o;
    for (const pending of retried) {
      counters.retried += 1;
      const { eventId } = pending.message;
      hub.emit("retried", { channel: address, eventId, attempt: pending.attempts, delayMs, error });
    }
  }

  #removeInFlight(lane: SendLane, pending: PendingPublish): void {
    lane.removeInFlight(pending);
    this.#inFlight -= 1;
  }

  /** Retries ran out (or the publisher is closing): the buffer, or the caller's error. */
  #giveUp(lane: SendLane, pending: PendingPublish, error: unknown): void {
    if (lane.settings.buffer) {
      this.#settleBuffered(pending, "publish-failed", error);
      return;
    }
    this.#unsettled.settle(pending);
    const { address, eventId } = pending.message;
    pending.reject(new PublishError(address, eventId, pending.attempts, true, error));
  }

  #settleBuffered(pending: PendingPublish, reason: BufferReason, error: unknown): void {
    this.#unsettled.settle(pending);
    let result: PublishResult;
    try {
      result = this.#o.toBuffer(pending.message, reason, pending.attempts, error);
    } catch (bufferError) {
      pending.reject(bufferError);
      return;
    }
    pending.resolve(result);
  }

  #hold(lane: SendLane, ms: number, untilReady: boolean): void {
    lane.hold(ms, untilReady, this.#o.gate, this.#holds, () => this.#sendInOrder(lane));
  }
}
