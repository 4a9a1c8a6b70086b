// A consumer of the contract's channels on its own dedicated Redis connection: every message is
// checked before any handler sees it, and the subscription survives reconnects, never silently.
// createSubscriber only wires the parts: connection (+ heartbeat; one per node on a cluster),
// subscription registry, message pipeline, streams, events.
import type { ChannelName } from "../../generated/index.js";
import { channelNames } from "../../generated/index.js";
import { isClusterSource, type PubSubMode } from "../connection/cluster-options.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../contract/validate.js";
import { ClusterSubscriberConnection } from "./cluster/cluster-connection.js";
import {
  type ConnectionCallbacks,
  type HeartbeatOptions,
  SubscriberConnection,
} from "./connection/connection.js";
import { type Sink, type Subscription, SubscriptionRegistry } from "./connection/subscription-registry.js";
import { type ChannelDedup, dedupForChannel } from "./dedup/dedup-policy.js";
import { ShardedPatternError } from "./errors.js";
import { MessagePipeline } from "./receive/message-pipeline.js";
import { SubscriberEventHub } from "./subscriber-events.js";
import { createStreams } from "./subscriber-stream.js";
import {
  type EventHandler,
  type StreamOptions,
  type Subscriber,
  type SubscriberOptions,
  type Unsubscribe,
  zeroSubscriberStats,
} from "./subscriber-types.js";
import { type ParameterSelection, type Topic, topicsFor } from "./topics.js";

export type {
  DeliveryContext,
  EventHandler,
  ParameterisedChannel,
  SelectionArgs,
  StreamChannel,
  StreamEvent,
  StreamOptions,
  Subscriber,
  SubscriberConnectionOptions,
  SubscriberOptions,
  SubscriberStats,
  SubscriberStream,
  TopicFor,
  Unsubscribe,
} from "./subscriber-types.js";

const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;
const DEFAULT_HEARTBEAT_TIMEOUT_MS = 5_000;
const DEFAULT_RESUBSCRIBE_DELAY_MS = 1_000;
const DEFAULT_EXCERPT_BYTES = 200;

export function createSubscriber<M extends PubSubMode = "classic">(
  options: SubscriberOptions & { readonly mode?: M } = {},
): Subscriber<M> {
  const { events, counters, connection, registry, streams } = wireParts(options);
  const sharded = options.mode === "sharded";
  /** Redis has no sharded PSUBSCRIBE: say so rather than subscribe to nothing. */
  const refusePatterns = (topics: readonly Topic[]) => {
    const pattern = sharded ? topics.find((topic) => topic.kind === "pattern") : undefined;
    if (pattern) throw new ShardedPatternError(pattern.name);
  };

  async function handleTopics<C extends ChannelName>(
    topics: readonly Topic<C>[],
    handler: EventHandler<C>,
  ): Promise<Unsubscribe> {
    refusePatterns(topics);
    const { subscriptions, detach } = registry.attach(topics as readonly Topic[], handler as Sink);
    try {
      await registry.whenConfirmed(subscriptions);
    } catch (error) {
      await detach();
      throw error;
    }
    return detach;
  }

  let closing: Promise<void> | undefined;
  return {
    handle(channel, handler, ...[selection]) {
      try {
        // The rest-parameter form only narrows what callers may pass; at run time it is the same selection.
        return handleTopics(topicsFor(channel, selection as ParameterSelection<typeof channel>), handler);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    handleTopics,
    // The generic signature only narrows what callers may pass; the stream is the same for any channels.
    stream: ((source: ChannelName | readonly (ChannelName | Topic)[], streamOptions: StreamOptions) => {
      const items = typeof source === "string" ? [source] : source;
      const topics = items.flatMap((item) => (typeof item === "string" ? topicsFor(item) : [item]));
      refusePatterns(topics);
      return streams.open(topics, streamOptions);
    }) as Subscriber<M>["stream"],
    on: (event, listener) => events.on(event, listener),
    subscribed: () => registry.whenConfirmed(registry.all() as Subscription[]),
    stats: () => ({ ...counters, reconnects: connection.reconnects }),
    close() {
      closing ??= (async () => {
        registry.close();
        streams.endAll();
        await connection.close();
      })();
      return closing;
    },
  };
}

/** The parts and how they reach each other: messages connection → registry → pipeline, events out. */
function wireParts(options: SubscriberOptions) {
  const events = new SubscriberEventHub(options.logger ?? {});
  if (options.onInvalid) events.on("invalid", options.onInvalid);
  if (options.onGap) events.on("gap", options.onGap);
  if (options.onError) events.on("error", options.onError);
  const onError = (error: Error) => events.emit("error", error);

  const counters = zeroSubscriberStats();
  const dedup = new Map<ChannelName, ChannelDedup | undefined>(
    channelNames.map((channel) => [channel, dedupForChannel(channel, options.dedup, options.dedupWindow)]),
  );

  // The parts reach each other through these three; each is assigned once, right below.
  let registry: SubscriptionRegistry;
  let pipeline: MessagePipeline;
  const connection = openConnection(options, {
    onReady: (_epoch, gapFrom, lost) => registry.connected(gapFrom, lost),
    onError,
    onMessage: (channel, message) => {
      const subscription = registry.addresses.get(channel.toString());
      if (subscription) pipeline.receive(subscription, channel, message);
    },
    onPatternMessage: (pattern, channel, message) => {
      const subscription = registry.patterns.get(pattern);
      if (subscription) pipeline.receive(subscription, channel, message);
    },
  });
  registry = new SubscriptionRegistry(connection, {
    resubscribeDelayMs: options.resubscribeDelayMs ?? DEFAULT_RESUBSCRIBE_DELAY_MS,
    dedupFor: (channel) => dedup.get(channel),
    onGap: (gap) => events.emit("gap", gap),
    onError,
  });
  pipeline = new MessagePipeline({
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    excerptBytes: options.excerptBytes ?? DEFAULT_EXCERPT_BYTES,
    counters,
    alive: (nowMs) => connection.alive(nowMs),
    onInvalid: (message) => events.emit("invalid", message),
    onError,
  });
  const streams = createStreams(registry, () => {
    counters.dropped += 1;
  });
  return { events, counters, connection, registry, streams };
}

/** One connection to a single Redis, or one per node of a cluster. */
function openConnection(
  options: SubscriberOptions,
  callbacks: ConnectionCallbacks,
): SubscriberConnection | ClusterSubscriberConnection {
  const mode = options.mode ?? "classic";
  if (isClusterSource(options.connection))
    return new ClusterSubscriberConnection(options.connection, mode, heartbeatOf(options), callbacks);
  return new SubscriberConnection(options.connection, heartbeatOf(options), callbacks, mode);
}

function heartbeatOf(options: SubscriberOptions): HeartbeatOptions | undefined {
  if (options.heartbeat === false) return undefined;
  return {
    intervalMs: options.heartbeat?.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    timeoutMs: options.heartbeat?.timeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
  };
}
