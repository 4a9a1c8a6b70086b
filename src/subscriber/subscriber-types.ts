// The subscriber's public types: options, handlers, delivery context, streams, stats.
import type { Cluster, Redis, RedisOptions } from "ioredis";
import type { ChannelName, ChannelParameters, ChannelPayloads } from "../../generated/index.js";
import type { ClusterConnectionOptions, PubSubMode } from "../connection/cluster-options.js";
import type { DedupOptions } from "./dedup/dedup-policy.js";
import type { OverflowPolicy } from "./receive/event-queue.js";
import type { Gap, InvalidMessage, SubscriberEvents, SubscriberLogger } from "./subscriber-events.js";
import type { AddressTopic, ParameterSelection, Topic } from "./topics.js";

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

/** Every counter at zero: what a subscriber's stats start from. */
export function zeroSubscriberStats(): SubscriberStats {
  return {
    received: 0,
    delivered: 0,
    invalid: 0,
    duplicates: 0,
    handlerErrors: 0,
    dropped: 0,
    reconnects: 0,
  };
}

export interface SubscriberOptions {
  /**
   * Where to connect: a URL, ioredis options, or an existing client to duplicate (a subscriber
   * always opens its own connections, which it owns and closes). Default `redis://127.0.0.1:6379`.
   * A Redis Cluster: an ioredis `Cluster` to duplicate, or `{ cluster: [seed URLs], clusterOptions }`;
   * the subscriber then opens one connection per node it listens on (see `mode`).
   */
  readonly connection?: string | SubscriberConnectionOptions | Redis | Cluster | ClusterConnectionOptions;
  /**
   * `classic` (default): SUBSCRIBE / PSUBSCRIBE. `sharded`: SSUBSCRIBE on the master that owns each
   * address's slot (Redis 7+); a parameterised channel then needs its addresses named (`{ symbols }`):
   * there is no sharded pattern subscription.
   */
  readonly mode?: PubSubMode;
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
  /**
   * PING period and reply timeout; on timeout the connection is reopened. Default 15 s / 5 s. A timeout
   * means nothing came for that long while the subscriber was reading: messages still arriving, or an
   * event loop kept busy by handlers, grant the PING more time.
   */
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

/** Channels whose address has parameters (`price.updated.{symbol}`). */
export type ParameterisedChannel = {
  [C in ChannelName]: string extends keyof ChannelParameters[C] ? never : C;
}[ChannelName];

/**
 * handle()'s selection: optional, except that a sharded subscriber (or one that may be sharded) must
 * name the addresses of a parameterised channel, since Redis has no sharded pattern subscription.
 */
export type SelectionArgs<C extends ChannelName, M extends PubSubMode> = "sharded" extends M
  ? C extends ParameterisedChannel
    ? [selection: Required<ParameterSelection<C>>]
    : [selection?: ParameterSelection<C>]
  : [selection?: ParameterSelection<C>];

/** The topics a subscriber in mode M can hold: a sharded one only concrete addresses. */
export type TopicFor<C extends ChannelName, M extends PubSubMode> = "sharded" extends M
  ? AddressTopic<C>
  : Topic<C>;

/** The channel names stream() takes: a sharded subscriber only those without parameters (a name means every address). */
export type StreamChannel<M extends PubSubMode> = "sharded" extends M
  ? Exclude<ChannelName, ParameterisedChannel>
  : ChannelName;

export interface Subscriber<M extends PubSubMode = "classic"> {
  /**
   * Calls `handler` with every valid event of the channel. A parameterised channel without a
   * selection is subscribed by pattern (every address); with one (`{ symbols: ["AAPL"] }`), by
   * address. Resolves once Redis confirmed the subscription, with the function that removes it;
   * rejects with SubscribeFailedError if Redis refuses it (NOPERM), subscribing nothing. A sharded
   * subscriber rejects a pattern with ShardedPatternError (and its types demand a selection).
   */
  handle<C extends ChannelName>(
    channel: C,
    handler: EventHandler<C>,
    ...selection: SelectionArgs<C, M>
  ): Promise<Unsubscribe>;
  /** Like handle(), for topics built with topicsFor() or parseTopic(). */
  handleTopics<C extends ChannelName>(
    topics: readonly TopicFor<C, M>[],
    handler: EventHandler<C>,
  ): Promise<Unsubscribe>;
  /**
   * The events of one or more channels (or topics) as an async iterator with a bounded queue.
   * Subscribes at once; leaving the loop (break, return, throw) unsubscribes. A sharded subscriber
   * throws ShardedPatternError for a pattern.
   */
  stream<N extends StreamChannel<M> = never, C extends ChannelName = never>(
    source: N | readonly (N | TopicFor<C, M>)[],
    options: StreamOptions,
  ): SubscriberStream<N | C>;
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
