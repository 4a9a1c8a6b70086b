// Which topics the subscriber holds and who receives each: subscribes what is wanted on every ready
// connection, resolves or rejects those waiting for a confirmation, retries refused resubscribes,
// and reports the gap of each topic once it is back after a reconnect.
import type { ChannelName } from "../../../generated/index.js";
import type { ChannelDedup } from "../dedup/dedup-policy.js";
import type { DedupWindow } from "../dedup/dedup-window.js";
import { SubscribeFailedError, SubscriberClosedError } from "../errors.js";
import type { Gap } from "../subscriber-events.js";
import type { DeliveryContext } from "../subscriber-types.js";
import type { Topic } from "../topics.js";

export type Sink = (event: unknown, context: DeliveryContext) => void | Promise<void>;

/** One Redis subscription (address or pattern) and everything that receives its messages. */
export class Subscription {
  /** The receivers; replaced, never mutated, so that a delivery loop needs no copy. */
  sinks: readonly Sink[] = [];
  readonly dedup: DedupWindow | undefined;
  /** The connection epoch on which Redis confirmed it; 0 = not (yet) on this connection. */
  confirmedEpoch = 0;
  inFlightEpoch = 0;
  /** Set after a reconnect until this subscription is back: the start of its gap. */
  gapFrom: Date | undefined;
  removed = false;

  constructor(
    readonly topic: Topic,
    readonly dedupPolicy: ChannelDedup | undefined,
  ) {
    this.dedup = dedupPolicy?.create();
  }
}

/** What the registry needs from the connection. */
export interface SubscribeConnection {
  readonly ready: boolean;
  readonly epoch: number;
  alive(nowMs: number): void;
  subscribe(kind: Topic["kind"], name: string): Promise<unknown>;
  unsubscribe(kind: Topic["kind"], name: string): Promise<unknown>;
}

export interface RegistryOptions {
  readonly resubscribeDelayMs: number;
  readonly dedupFor: (channel: ChannelName) => ChannelDedup | undefined;
  readonly onGap: (gap: Gap) => void;
  readonly onError: (error: Error) => void;
}

interface Waiter {
  readonly subscriptions: readonly Subscription[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class SubscriptionRegistry {
  /** By address, for SUBSCRIBE messages; by pattern, for PSUBSCRIBE ones. */
  readonly addresses = new Map<string, Subscription>();
  readonly patterns = new Map<string, Subscription>();
  private readonly waiters = new Set<Waiter>();
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly connection: SubscribeConnection,
    private readonly options: RegistryOptions,
  ) {}

  /** Adds a sink to topics, subscribing those not yet subscribed; returns them and what removes the sink. */
  attach(
    topics: readonly Topic[],
    sink: Sink,
  ): { subscriptions: Subscription[]; detach: () => Promise<void> } {
    if (this.closed) throw new SubscriberClosedError();
    const subscriptions = topics.map((topic) => {
      const map = this.mapOf(topic.kind);
      let subscription = map.get(topic.name);
      if (!subscription) {
        subscription = new Subscription(topic, this.options.dedupFor(topic.channel));
        map.set(topic.name, subscription);
      }
      subscription.sinks = [...subscription.sinks, sink];
      return subscription;
    });
    this.sync();
    let detached = false;
    const detach = async () => {
      if (detached) return;
      detached = true;
      const removals = subscriptions.map((subscription) => this.removeSink(subscription, sink));
      this.settle();
      await Promise.all(removals);
    };
    return { subscriptions, detach };
  }

  /** Resolves once every one of them is confirmed on the current connection; rejects on a refusal or close. */
  whenConfirmed(subscriptions: readonly Subscription[]): Promise<void> {
    if (this.closed) return Promise.reject(new SubscriberClosedError());
    if (subscriptions.every((s) => this.isConfirmed(s))) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.add({ subscriptions, resolve, reject }));
  }

  all(): Subscription[] {
    return [...this.addresses.values(), ...this.patterns.values()];
  }

  /**
   * A new connection (epoch) is ready: every subscription is sent again; `gapFrom` starts the gap of
   * those named in `lost` (on a cluster only some topics lose their node), or of all without it.
   */
  connected(gapFrom: Date | undefined, lost?: ReadonlySet<string>): void {
    if (gapFrom) {
      for (const subscription of this.all())
        if (lost === undefined || lost.has(subscription.topic.name)) subscription.gapFrom ??= gapFrom;
    }
    this.sync();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const waiter of this.waiters) waiter.reject(new SubscriberClosedError());
    this.waiters.clear();
    for (const subscription of this.all()) subscription.removed = true;
    this.addresses.clear();
    this.patterns.clear();
  }

  private mapOf(kind: Topic["kind"]): Map<string, Subscription> {
    return kind === "address" ? this.addresses : this.patterns;
  }

  private removeSink(subscription: Subscription, sink: Sink): Promise<unknown> {
    subscription.sinks = subscription.sinks.filter((s) => s !== sink);
    if (subscription.sinks.length > 0 || subscription.removed) return Promise.resolve();
    subscription.removed = true;
    this.mapOf(subscription.topic.kind).delete(subscription.topic.name);
    const { epoch } = this.connection;
    if (!this.connection.ready || this.closed) return Promise.resolve();
    if (subscription.confirmedEpoch !== epoch && subscription.inFlightEpoch !== epoch)
      return Promise.resolve();
    const { kind, name } = subscription.topic;
    return this.connection.unsubscribe(kind, name).catch(() => undefined);
  }

  private isConfirmed(subscription: Subscription): boolean {
    // A subscription removed meanwhile no longer holds anyone up.
    return (
      subscription.removed || (this.connection.ready && subscription.confirmedEpoch === this.connection.epoch)
    );
  }

  /** Sends SUBSCRIBE/PSUBSCRIBE for every subscription not confirmed or in flight on this connection. */
  private sync(): void {
    if (!this.connection.ready || this.closed) return;
    const epoch = this.connection.epoch;
    for (const subscription of this.all()) {
      if (subscription.confirmedEpoch === epoch || subscription.inFlightEpoch === epoch) continue;
      subscription.inFlightEpoch = epoch;
      const { kind, name } = subscription.topic;
      this.connection.subscribe(kind, name).then(
        () => {
          if (epoch !== this.connection.epoch || subscription.removed) return;
          subscription.confirmedEpoch = epoch;
          this.connection.alive(Date.now());
          this.settle();
        },
        (error: unknown) => {
          if (subscription.inFlightEpoch === epoch) subscription.inFlightEpoch = 0;
          if (this.closed || epoch !== this.connection.epoch || subscription.removed) return;
          this.refused(subscription, error);
        },
      );
    }
    this.settle();
  }

  /**
   * Whoever waits for this topic (handle(), a stream, subscribed()) learns of the refusal at once
   * and gives up on it; a subscription that others still hold is retried and reported as an error.
   */
  private refused(subscription: Subscription, error: unknown): void {
    const failure = new SubscribeFailedError(subscription.topic.name, undefined, error);
    for (const waiter of this.waiters) {
      if (!waiter.subscriptions.includes(subscription)) continue;
      this.waiters.delete(waiter);
      waiter.reject(failure);
    }
    // The rejected waiters detach in a later microtask: retry only what is still wanted then.
    queueMicrotask(() => {
      if (this.closed || subscription.removed) return;
      const { resubscribeDelayMs } = this.options;
      this.options.onError(new SubscribeFailedError(subscription.topic.name, resubscribeDelayMs, error));
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        this.sync();
      }, resubscribeDelayMs);
      this.settle();
    });
  }

  private settle(): void {
    if (!this.connection.ready) return;
    for (const waiter of this.waiters) {
      if (waiter.subscriptions.every((s) => this.isConfirmed(s))) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
    this.reportGap();
  }

  /**
   * Reports the gap of the subscriptions back since a reconnect, once none is still awaiting its
   * SUBSCRIBE reply: a topic that stays refused holds back no one else's gap (its own follows when
   * it is back).
   */
  private reportGap(): void {
    const epoch = this.connection.epoch;
    const back: Subscription[] = [];
    for (const subscription of this.all()) {
      if (subscription.gapFrom === undefined) continue;
      if (subscription.confirmedEpoch === epoch) back.push(subscription);
      else if (subscription.inFlightEpoch === epoch) return;
    }
    if (back.length === 0) return;
    let from = back[0]?.gapFrom as Date;
    for (const subscription of back) {
      if ((subscription.gapFrom as Date) < from) from = subscription.gapFrom as Date;
      subscription.gapFrom = undefined;
    }
    this.options.onGap({ from, to: new Date(), topics: back.map((s) => s.topic.name) });
  }
}
