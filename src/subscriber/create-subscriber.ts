// A consumer of the contract's channels on its own dedicated Redis connection: every message is
// checked before any handler sees it, and the subscription survives reconnects, never silently.
import { Redis, type RedisOptions } from "ioredis";
import {
  type ChannelName,
  type ChannelParameters,
  type ChannelPayloads,
  channelNames,
  channels,
} from "../../generated/index.js";
import { explainConnectionError } from "../connection/tls-failure.js";
import type { ValidationReason } from "../contract/reasons.js";
import { checkRawMessage, DEFAULT_MAX_MESSAGE_BYTES } from "../contract/validate.js";
import { bodyKey } from "./body-key.js";
import { type ChannelDedup, type DedupOptions, dedupForChannel } from "./dedup-policy.js";
import type { DedupWindow } from "./dedup-window.js";
import {
  HandlerError,
  HeartbeatTimeoutError,
  SubscribeFailedError,
  SubscriberClosedError,
  SubscriberConnectionError,
} from "./errors.js";
import { createEventQueue, type OverflowPolicy } from "./event-queue.js";
import {
  type Gap,
  type InvalidMessage,
  SubscriberEventHub,
  type SubscriberEvents,
  type SubscriberLogger,
} from "./subscriber-events.js";
import { type ParameterSelection, type Topic, topicKey, topicsFor } from "./topics.js";

/** What a handler learns about the message besides its payload. */
export interface DeliveryContext<C extends ChannelName = ChannelName> {
  readonly channel: C;
  /** The concrete address the message arrived on (`price.updated.AAPL`). */
  readonly address: string;
  /** The address's parameters (`{ symbol: "AAPL" }`), parsed and valid. */
  readonly parameters: ChannelParameters[C];
  /** The subscription it came through: the address itself, or a pattern. */
  readonly topic: string;
  readonly receivedAt: Date;
  /** The message's bytes as received, already checked: forward them without re-serialising. */
  readonly raw: Buffer;
}

export type EventHandler<C extends ChannelName> = (
  event: ChannelPayloads[C],
  context: DeliveryContext<C>,
) => void | Promise<void>;

/** One event from `stream()`, discriminated by `channel`. */
export type StreamEvent<C extends ChannelName = ChannelName> = C extends ChannelName
  ? {
      readonly channel: C;
      readonly address: string;
      readonly parameters: ChannelParameters[C];
      readonly event: ChannelPayloads[C];
    }
  : never;

/** Exact counters since creation. */
export interface SubscriberStats {
  /** Messages that arrived through a current subscription (a message matched by two subscriptions counts twice). */
  received: number;
  /** Valid, non-duplicate messages handed to handlers and streams. */
  delivered: number;
  invalid: number;
  /** Valid messages dropped because their `event_id` (or, with `byBody`, their bytes) was seen within the dedup window. */
  duplicates: number;
  /** Handler calls that threw or rejected. */
  handlerErrors: number;
  /** Stream events discarded by an overflow policy. */
  dropped: number;
  /** Connections re-established after a loss. */
  reconnects: number;
}

export interface SubscriberOptions {
  /**
   * Where to connect: a URL, ioredis options, or an existing client to duplicate (a subscriber
   * always opens its own connection, which it owns and closes). Default `redis://127.0.0.1:6379`.
   */
  readonly connection?: string | SubscriberConnectionOptions | Redis;
  /** Larger messages are invalid, checked before parsing. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * Drops copies of a message: same `event_id` (or, with `byBody`, same bytes) within the window of
   * the subscription. Bounded by count and age (default 100,000 keys, 5 minutes); per channel with
   * `channels`; `false` keeps every copy. See the README for sizing.
   */
  readonly dedup?: false | DedupOptions;
  /** Shorthand for `dedup: { maxEntries }`; `false` keeps duplicates. Ignored when `dedup` is given. */
  readonly dedupWindow?: number | false;
  /** PING period and reply timeout; on timeout the connection is reopened. Default 15 s / 5 s. */
  readonly heartbeat?: { readonly intervalMs?: number; readonly timeoutMs?: number } | false;
  /** Wait before retrying a refused SUBSCRIBE. Default 1 s. */
  readonly resubscribeDelayMs?: number;
  /** Bytes of an invalid message kept in its excerpt. Default 200. */
  readonly excerptBytes?: number;
  readonly onInvalid?: (message: InvalidMessage) => void;
  readonly onGap?: (gap: Gap) => void;
  readonly onError?: (error: Error) => void;
  /**
   * Where diagnostics go (connection retries at debug, gaps, invalid messages, refusals and heartbeat
   * timeouts at warn, failing handlers at error). Without one the subscriber prints nothing.
   */
  readonly logger?: SubscriberLogger;
}

/** ioredis options for the subscriber's connection; the reply mapping is the subscriber's business. */
export type SubscriberConnectionOptions = Omit<RedisOptions, "replyMapping">;

export interface StreamOptions {
  /** How many events may wait for the consumer. Default 1,000. */
  readonly highWaterMark?: number;
  readonly overflow: OverflowPolicy;
}

export interface SubscriberStream<C extends ChannelName> extends AsyncIterableIterator<StreamEvent<C>> {
  /** Resolves once Redis confirmed every subscription of the stream; rejects with SubscribeFailedError if one is refused (the stream then ends with it). */
  readonly subscribed: Promise<void>;
  /** Events waiting for the consumer. */
  readonly length: number;
}

export type Unsubscribe = () => Promise<void>;

export interface Subscriber {
  /**
   * Calls `handler` with every valid event of the channel. A parameterised channel without a
   * selection is subscribed by pattern (every address); with one (`{ symbols: ["AAPL"] }`), by
   * address. Resolves once Redis confirmed the subscription, with the function that removes it;
   * rejects with SubscribeFailedError if Redis refuses it (NOPERM), subscribing nothing.
   */
  handle<C extends ChannelName>(
    channel: C,
    handler: EventHandler<C>,
    selection?: ParameterSelection<C>,
  ): Promise<Unsubscribe>;
  /** Like handle(), for topics built with topicsFor() or parseTopic(). */
  handleTopics<C extends ChannelName>(
    topics: readonly Topic<C>[],
    handler: EventHandler<C>,
  ): Promise<Unsubscribe>;
  /**
   * The events of one or more channels (or topics) as an async iterator with a bounded queue.
   * Subscribes at once; leaving the loop (break, return, throw) unsubscribes.
   */
  stream<C extends ChannelName>(
    source: C | readonly (C | Topic<C>)[],
    options: StreamOptions,
  ): SubscriberStream<C>;
  on<E extends keyof SubscriberEvents>(
    event: E,
    listener: (payload: SubscriberEvents[E]) => void,
  ): () => void;
  /** Resolves once every current subscription is confirmed on the current connection; rejects with SubscribeFailedError if one is refused meanwhile. */
  subscribed(): Promise<void>;
  stats(): SubscriberStats;
  /** Unsubscribes, ends the streams and closes the connection. Safe to call twice. */
  close(): Promise<void>;
}

type Sink = (event: unknown, context: DeliveryContext) => void | Promise<void>;

interface Subscription {
  readonly topic: Topic;
  readonly key: string;
  readonly sinks: Set<Sink>;
  readonly dedup: DedupWindow | undefined;
  readonly dedupPolicy: ChannelDedup | undefined;
  /** The connection epoch on which Redis confirmed it; 0 = not (yet) on this connection. */
  confirmedEpoch: number;
  inFlightEpoch: number;
  /** Set after a reconnect until this subscription is back: the start of its gap. */
  gapFrom: Date | undefined;
}

interface Waiter {
  readonly keys: readonly string[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

const DEFAULT_URL = "redis://127.0.0.1:6379";
const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;
const DEFAULT_HEARTBEAT_TIMEOUT_MS = 5_000;
const DEFAULT_RESUBSCRIBE_DELAY_MS = 1_000;
const DEFAULT_EXCERPT_BYTES = 200;
const DEFAULT_HIGH_WATER_MARK = 1_000;
const QUIT_TIMEOUT_MS = 2_000;

const utf8 = new TextDecoder("utf-8", { fatal: true });

// The subscriber owns resubscription (autoResubscribe off): ioredis's own turns a refused
// resubscribe into an unhandled rejection. Nothing is queued while disconnected, and nothing
// half-sent is replayed on a new connection: the subscriber decides what to send on `ready`.
const CONNECTION_OVERRIDES = {
  autoResubscribe: false,
  autoResendUnfulfilledCommands: false,
  enableOfflineQueue: false,
} satisfies Partial<RedisOptions>;

function openConnection(connection: SubscriberOptions["connection"]): Redis {
  if (connection instanceof Redis) return connection.duplicate(CONNECTION_OVERRIDES);
  if (typeof connection === "string" || connection === undefined) {
    return new Redis(connection ?? DEFAULT_URL, CONNECTION_OVERRIDES);
  }
  const { replyMapping: _ignored, ...rest } = connection as RedisOptions;
  return new Redis({ ...rest, ...CONNECTION_OVERRIDES });
}

export function createSubscriber(options: SubscriberOptions = {}): Subscriber {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const dedupPolicies = new Map<ChannelName, ChannelDedup | undefined>(
    channelNames.map((channel) => [channel, dedupForChannel(channel, options.dedup, options.dedupWindow)]),
  );
  const resubscribeDelayMs = options.resubscribeDelayMs ?? DEFAULT_RESUBSCRIBE_DELAY_MS;
  const excerptBytes = options.excerptBytes ?? DEFAULT_EXCERPT_BYTES;
  const heartbeat =
    options.heartbeat === false
      ? undefined
      : {
          intervalMs: options.heartbeat?.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
          timeoutMs: options.heartbeat?.timeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
        };

  const counters: SubscriberStats = {
    received: 0,
    delivered: 0,
    invalid: 0,
    duplicates: 0,
    handlerErrors: 0,
    dropped: 0,
    reconnects: 0,
  };
  const subscriptions = new Map<string, Subscription>();
  const waiters = new Set<Waiter>();
  const streamEnders = new Set<() => void>();

  let epoch = 0;
  let ready = false;
  let closed = false;
  let closing: Promise<void> | undefined;
  let lastAliveAt = new Date();
  /** Set when a connection was lost; moves to each subscription's gapFrom once a new connection is ready. */
  let lostAt: Date | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let pingInFlight = false;

  const events = new SubscriberEventHub(options.logger ?? {});
  const emit = events.emit.bind(events);
  const on = events.on.bind(events);
  if (options.onInvalid) on("invalid", options.onInvalid);
  if (options.onGap) on("gap", options.onGap);
  if (options.onError) on("error", options.onError);

  const connection = openConnection(options.connection);

  connection.on("error", (error: unknown) => {
    if (!closed) emit("error", new SubscriberConnectionError(explainConnectionError(error)));
  });
  connection.on("ready", () => {
    if (closed) return;
    epoch += 1;
    ready = true;
    lastAliveAt = new Date();
    if (lostAt) {
      counters.reconnects += 1;
      // A subscription still waiting from an earlier loss keeps the start of its first gap.
      for (const subscription of subscriptions.values()) subscription.gapFrom ??= lostAt;
      lostAt = undefined;
    }
    syncSubscriptions();
  });
  connection.on("close", () => {
    if (closed || !ready) return;
    ready = false;
    pingInFlight = false;
    // A connection lost again before resubscribing keeps the start of the first gap.
    lostAt = lastAliveAt;
  });
  connection.on("messageBuffer", (channel: Buffer, message: Buffer | undefined) => {
    const subscription = subscriptions.get(topicKey({ kind: "address", name: channel.toString("utf8") }));
    if (subscription) receive(subscription, channel, message ?? Buffer.alloc(0));
  });
  connection.on(
    "pmessageBuffer",
    (pattern: string | Buffer, channel: Buffer, message: Buffer | undefined) => {
      const subscription = subscriptions.get(topicKey({ kind: "pattern", name: pattern.toString() }));
      if (subscription) receive(subscription, channel, message ?? Buffer.alloc(0));
    },
  );

  if (heartbeat) {
    heartbeatTimer = setInterval(() => sendHeartbeat(heartbeat.timeoutMs), heartbeat.intervalMs);
  }

  function sendHeartbeat(timeoutMs: number): void {
    if (!ready || pingInFlight || closed) return;
    pingInFlight = true;
    const pingEpoch = epoch;
    const timer = setTimeout(() => {
      if (closed || pingEpoch !== epoch || !pingInFlight) return;
      emit("error", new HeartbeatTimeoutError(timeoutMs));
      // Reconnects (retryStrategy applies); the pending PING is rejected, not resent.
      connection.disconnect(true);
    }, timeoutMs);
    connection
      .ping()
      .then(
        () => {
          if (pingEpoch === epoch) lastAliveAt = new Date();
        },
        () => {
          // A rejected PING means the connection closed; the close handler deals with it.
        },
      )
      .finally(() => {
        clearTimeout(timer);
        if (pingEpoch === epoch) pingInFlight = false;
      });
  }

  function receive(subscription: Subscription, channelBytes: Buffer, message: Buffer): void {
    try {
      counters.received += 1;
      const receivedAt = new Date();
      lastAliveAt = receivedAt;
      const { topic } = subscription;
      let address: string;
      let parameters: ChannelParameters[ChannelName] | undefined;
      if (topic.kind === "address") {
        address = topic.name;
        parameters = topic.parameters;
      } else {
        try {
          address = utf8.decode(channelBytes);
          parameters = channels[topic.channel].parseAddress(address);
        } catch {
          address = channelBytes.toString("utf8");
          parameters = undefined;
        }
        if (!parameters) {
          reportInvalid(subscription, address, message, receivedAt, [
            {
              pointer: "",
              message: `arrived on ${JSON.stringify(address)}, which matches ${topic.name} but is not an address of ${topic.channel}`,
            },
          ]);
          return;
        }
      }
      const result = checkRawMessage(topic.channel, message, "tolerant", {
        parameters,
        maxBytes: maxMessageBytes,
      });
      if (!result.ok) {
        reportInvalid(subscription, address, message, receivedAt, result.reasons);
        return;
      }
      if (subscription.dedup && isDuplicate(subscription, result.value, message, receivedAt)) {
        counters.duplicates += 1;
        return;
      }
      counters.delivered += 1;
      const context: DeliveryContext = {
        channel: topic.channel,
        address,
        parameters,
        topic: topic.name,
        receivedAt,
        raw: message,
      };
      for (const sink of [...subscription.sinks]) deliver(sink, result.value, context);
    } catch (error) {
      // Never let anything escape into ioredis's parser callback: it would become an uncaught exception.
      emit("error", error instanceof Error ? error : new Error(String(error)));
    }
  }

  function isDuplicate(
    subscription: Subscription,
    event: unknown,
    message: Buffer,
    receivedAt: Date,
  ): boolean {
    const { dedup, dedupPolicy } = subscription;
    if (!dedup || !dedupPolicy) return false;
    const eventId = (event as { event_id?: unknown }).event_id;
    const key = typeof eventId === "string" ? eventId : dedupPolicy.byBody ? bodyKey(message) : undefined;
    return key !== undefined && dedup.seen(key, receivedAt.getTime());
  }

  function deliver(sink: Sink, event: unknown, context: DeliveryContext): void {
    const fail = (error: unknown) => {
      counters.handlerErrors += 1;
      emit("error", new HandlerError(context.address, error));
    };
    try {
      const result = sink(event, context);
      if (result && typeof (result as Promise<void>).then === "function")
        (result as Promise<void>).then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  }

  function reportInvalid(
    subscription: Subscription,
    address: string,
    message: Buffer,
    receivedAt: Date,
    reasons: readonly ValidationReason[],
  ): void {
    counters.invalid += 1;
    const truncated = message.byteLength > excerptBytes;
    const excerpt = message.subarray(0, excerptBytes).toString("utf8") + (truncated ? "…" : "");
    emit("invalid", {
      channel: subscription.topic.channel,
      address,
      topic: subscription.topic.name,
      reasons,
      excerpt,
      size: message.byteLength,
      receivedAt,
    });
  }

  function syncSubscriptions(): void {
    if (!ready || closed) return;
    const syncEpoch = epoch;
    for (const subscription of subscriptions.values()) {
      if (subscription.confirmedEpoch === syncEpoch || subscription.inFlightEpoch === syncEpoch) continue;
      subscription.inFlightEpoch = syncEpoch;
      const { topic } = subscription;
      const command =
        topic.kind === "address" ? connection.subscribe(topic.name) : connection.psubscribe(topic.name);
      command.then(
        () => {
          if (syncEpoch !== epoch || subscriptions.get(subscription.key) !== subscription) return;
          subscription.confirmedEpoch = syncEpoch;
          lastAliveAt = new Date();
          settleProgress();
        },
        (error: unknown) => {
          if (subscription.inFlightEpoch === syncEpoch) subscription.inFlightEpoch = 0;
          if (closed || syncEpoch !== epoch || subscriptions.get(subscription.key) !== subscription) return;
          refused(subscription, error);
        },
      );
    }
    settleProgress();
  }

  /**
   * Whoever waits for this topic (handle(), a stream, subscribed()) learns of the refusal at once
   * and gives up on it; a subscription that others still hold is retried and reported as an error.
   */
  function refused(subscription: Subscription, error: unknown): void {
    const failure = new SubscribeFailedError(subscription.topic.name, undefined, error);
    for (const waiter of waiters) {
      if (!waiter.keys.includes(subscription.key)) continue;
      waiters.delete(waiter);
      waiter.reject(failure);
    }
    // The rejected waiters detach in a later microtask: retry only what is still wanted then.
    queueMicrotask(() => {
      if (closed || subscriptions.get(subscription.key) !== subscription) return;
      emit("error", new SubscribeFailedError(subscription.topic.name, resubscribeDelayMs, error));
      scheduleRetry();
      settleProgress();
    });
  }

  function scheduleRetry(): void {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      syncSubscriptions();
    }, resubscribeDelayMs);
  }

  function isConfirmed(key: string): boolean {
    const subscription = subscriptions.get(key);
    // A subscription removed meanwhile no longer holds anyone up.
    return !subscription || (ready && subscription.confirmedEpoch === epoch);
  }

  function settleProgress(): void {
    if (!ready) return;
    for (const waiter of waiters) {
      if (waiter.keys.every(isConfirmed)) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
    reportGap();
  }

  /**
   * Reports the gap of the subscriptions back since a reconnect, once none is still awaiting its
   * SUBSCRIBE reply: a topic that stays refused holds back no one else's gap (its own follows when
   * it is back).
   */
  function reportGap(): void {
    const back: Subscription[] = [];
    for (const subscription of subscriptions.values()) {
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
    emit("gap", { from, to: new Date(), topics: back.map((s) => s.topic.name) });
  }

  function whenConfirmed(keys: readonly string[]): Promise<void> {
    if (closed) return Promise.reject(new SubscriberClosedError());
    if (ready && keys.every(isConfirmed)) return Promise.resolve();
    return new Promise((resolve, reject) => waiters.add({ keys, resolve, reject }));
  }

  /** Adds a sink to topics, subscribing those not yet subscribed; returns what removes it. */
  function attach(topics: readonly Topic[], sink: Sink): { keys: string[]; detach: Unsubscribe } {
    if (closed) throw new SubscriberClosedError();
    const keys: string[] = [];
    for (const topic of topics) {
      const key = topicKey(topic);
      keys.push(key);
      let subscription = subscriptions.get(key);
      if (!subscription) {
        subscription = {
          topic,
          key,
          sinks: new Set(),
          dedup: dedupPolicies.get(topic.channel)?.create(),
          dedupPolicy: dedupPolicies.get(topic.channel),
          confirmedEpoch: 0,
          inFlightEpoch: 0,
          gapFrom: undefined,
        };
        subscriptions.set(key, subscription);
      }
      subscription.sinks.add(sink);
    }
    syncSubscriptions();
    let detached = false;
    const detach = async () => {
      if (detached) return;
      detached = true;
      const removals: Promise<unknown>[] = [];
      for (const key of keys) {
        const subscription = subscriptions.get(key);
        if (!subscription) continue;
        subscription.sinks.delete(sink);
        if (subscription.sinks.size > 0) continue;
        subscriptions.delete(key);
        if (
          ready &&
          !closed &&
          (subscription.confirmedEpoch === epoch || subscription.inFlightEpoch === epoch)
        ) {
          const { topic } = subscription;
          const command =
            topic.kind === "address"
              ? connection.unsubscribe(topic.name)
              : connection.punsubscribe(topic.name);
          removals.push(command.catch(() => undefined));
        }
      }
      settleProgress();
      await Promise.all(removals);
    };
    return { keys, detach };
  }

  async function handleTopics<C extends ChannelName>(
    topics: readonly Topic<C>[],
    handler: EventHandler<C>,
  ): Promise<Unsubscribe> {
    const { keys, detach } = attach(topics as readonly Topic[], handler as Sink);
    try {
      await whenConfirmed(keys);
    } catch (error) {
      await detach();
      throw error;
    }
    return detach;
  }

  function toTopics<C extends ChannelName>(source: C | readonly (C | Topic<C>)[]): Topic<C>[] {
    const items: readonly (C | Topic<C>)[] = typeof source === "string" ? [source] : source;
    return items.flatMap((item) => (typeof item === "string" ? topicsFor(item) : [item]));
  }

  function stream<C extends ChannelName>(
    source: C | readonly (C | Topic<C>)[],
    streamOptions: StreamOptions,
  ): SubscriberStream<C> {
    let detach: Unsubscribe = async () => {};
    const queue = createEventQueue<StreamEvent<C>>({
      highWaterMark: streamOptions.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
      overflow: streamOptions.overflow,
      onDrop: () => {
        counters.dropped += 1;
      },
      onDetach: () => {
        streamEnders.delete(end);
        void detach();
      },
    });
    const end = () => queue.end();
    const attached = attach(toTopics(source) as Topic[], (event, context) => {
      queue.push({
        channel: context.channel,
        address: context.address,
        parameters: context.parameters,
        event,
      } as StreamEvent<C>);
    });
    detach = attached.detach;
    streamEnders.add(end);
    const subscribed = whenConfirmed(attached.keys);
    // A refused subscription ends the stream with the refusal; a rejection on close ends it anyway.
    // The stream's owner may never await `subscribed`: its rejection must not go unhandled.
    subscribed.catch((error: unknown) => {
      if (error instanceof SubscribeFailedError) queue.fail(error);
    });
    return Object.assign(queue, { subscribed });
  }

  return {
    handle(channel, handler, selection) {
      try {
        return handleTopics(topicsFor(channel, selection), handler);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    handleTopics,
    stream,
    on,
    subscribed: () => whenConfirmed([...subscriptions.keys()]),
    stats: () => ({ ...counters }),
    close() {
      closing ??= (async () => {
        closed = true;
        clearTimeout(retryTimer);
        clearInterval(heartbeatTimer);
        for (const end of [...streamEnders]) end();
        for (const waiter of waiters) waiter.reject(new SubscriberClosedError());
        waiters.clear();
        subscriptions.clear();
        if (connection.status === "ready") {
          await Promise.race([
            connection.quit().catch(() => undefined),
            new Promise((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS).unref()),
          ]);
        }
        connection.disconnect();
      })();
      return closing;
    },
  };
}
