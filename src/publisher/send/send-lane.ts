// One channel's send lane: its unsettled publishes in publish() order, how many of them are in flight, and
// its hold (a backoff, or a wait for the connection). The LaneScheduler decides what the lane does.
import type { ChannelSettings } from "../channel-settings.js";
import type { ConnectionGate } from "../connection/connection-gate.js";
import type { PreparedMessage } from "../message/prepare-message.js";
import type { PublishResult } from "../publisher-types.js";
import { Fifo } from "../queues/fifo.js";

/** A message accepted by publish() and not settled yet. */
export interface PendingPublish {
  readonly message: PreparedMessage;
  readonly lane: SendLane;
  /** PUBLISHes sent for it so far. */
  attempts: number;
  /** No retry starts after this (epoch ms); 0 until the message's first turn. */
  deadline: number;
  /** The attempt whose reply decides; 0 when none does (not sent, settled, or to be sent again). */
  attempt: number;
  /** When that attempt times out (epoch ms). */
  timeoutAt: number;
  readonly resolve: (result: PublishResult) => void;
  readonly reject: (error: unknown) => void;
}

/** The publishes to one concrete channel that are not settled yet, oldest first. */
export class SendLane {
  readonly queue = new Fifo<PendingPublish>();
  /** The first `inFlight` messages of the queue are sent and await their reply; the rest wait their turn. */
  inFlight = 0;
  /** Set while the lane holds (a backoff, or waiting for the connection): calling it ends the hold early. */
  release: (() => void) | undefined;
  /** Set while the scheduler's loop runs on this lane. */
  pumping = false;

  constructor(
    readonly address: string,
    readonly settings: ChannelSettings,
  ) {}

  /** Nothing queued and no hold: the lane can be forgotten. */
  get idle(): boolean {
    return this.queue.length === 0 && this.release === undefined;
  }

  /** The oldest message not in flight: the next to go. */
  nextWaiting(): PendingPublish {
    return this.queue.at(this.inFlight) as PendingPublish;
  }

  /** Takes a message whose attempt ended out of the in-flight prefix. */
  removeInFlight(pending: PendingPublish): void {
    pending.attempt = 0;
    if (this.queue.at(0) === pending) this.queue.shift();
    else this.queue.removeAt(this.queue.indexOf(pending));
    this.inFlight -= 1;
  }

  /**
   * `pending` and the ones sent after it go again: their replies no longer count and they leave the in-flight
   * prefix. Returns those later ones, or undefined when `pending` is not in flight (cannot happen).
   */
  rewindFrom(pending: PendingPublish): PendingPublish[] | undefined {
    const index = this.queue.indexOf(pending);
    if (index < 0 || index >= this.inFlight) return undefined;
    const followers: PendingPublish[] = [];
    for (let i = index + 1; i < this.inFlight; i++) {
      const follower = this.queue.at(i) as PendingPublish;
      follower.attempt = 0;
      followers.push(follower);
    }
    pending.attempt = 0;
    this.inFlight = index;
    return followers;
  }

  /**
   * Stops the lane sending for `ms`: a backoff, or (untilReady) a wait for the connection that also ends
   * when it is ready or fails for good. `holds` keeps every live release (close() ends them at once);
   * `resume` runs when this hold ends while still the lane's.
   */
  hold(
    ms: number,
    untilReady: boolean,
    gate: ConnectionGate,
    holds: Set<() => void>,
    resume: () => void,
  ): void {
    const previous = this.release;
    this.release = undefined;
    previous?.(); // only cleans up: it is no longer the lane's release
    const release = () => {
      clearTimeout(timer);
      holds.delete(release);
      gate.stopWaiting(release);
      if (this.release !== release) return;
      this.release = undefined;
      resume();
    };
    const timer = setTimeout(release, ms);
    this.release = release;
    holds.add(release);
    if (untilReady) gate.waitForReady(release);
  }
}

/** Counts the messages accepted and not settled yet; close() waits until none is left. */
export class UnsettledCount {
  #count = 0;
  #idleWaiters: (() => void)[] = [];

  add(): void {
    this.#count += 1;
  }

  settle(pending: PendingPublish): void {
    pending.attempt = 0;
    this.#count -= 1;
    if (this.#count === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Resolves once every accepted message is settled. */
  async whenIdle(): Promise<void> {
    if (this.#count > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }
}
