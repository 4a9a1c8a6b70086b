// A consumer of the contract's channels on its own dedicated Redis connection: every message is
// checked before any handler sees it, and the subscription survives reconnects, never silently.
// createSubscriber only wires the parts: connection (+ heartbeat), subscription registry, message
// pipeline, streams, events.
import type { ChannelName } from "../../generated/index.js";
import { channelNames } from "../../generated/index.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../contract/validate.js";
import { SubscriberConnection } from "./connection.js";
import { type ChannelDedup, dedupForChannel } from "./dedup-policy.js";
import { MessagePipeline } from "./message-pipeline.js";
import { SubscriberEventHub } from "./subscriber-events.js";
import { createStreams } from "./subscriber-stream.js";
import type {
  EventHandler,
  Subscriber,
  SubscriberOptions,
  SubscriberStats,
  Unsubscribe,
} from "./subscriber-types.js";
import { type Sink, type Subscription, SubscriptionRegistry } from "./subscription-registry.js";
import { type Topic, topicsFor } from "./topics.js";

export type {
  DeliveryContext,
  EventHandler,
  StreamEvent,
  StreamOptions,
  Subscriber,
  SubscriberConnectionOptions,
  SubscriberOptions,
  SubscriberStats,
  SubscriberStream,
  Unsubscribe,
} from "./subscriber-types.js";

const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;
const DEFAULT_HEARTBEAT_TIMEOUT_MS = 5_000;
const DEFAULT_RESUBSCRIBE_DELAY_MS = 1_000;
const DEFAULT_EXCERPT_BYTES = 200;

export function createSubscriber(options: SubscriberOptions = {}): Subscriber {
  const { events, counters, connection, registry, streams } = wireParts(options);

  async function handleTopics<C extends ChannelName>(
    topics: readonly Topic<C>[],
    handler: EventHandler<C>,
  ): Promise<Unsubscribe> {
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
    handle(channel, handler, selection) {
      try {
        return handleTopics(topicsFor(channel, selection), handler);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    handleTopics,
    stream(source, streamOptions) {
      const items = typeof source === "string" ? [source] : source;
      const topics = items.flatMap((item) => (typeof item === "string" ? topicsFor(item) : [item]));
      return streams.open(topics, streamOptions);
    },
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

  const counters: SubscriberStats = {
    received: 0,
    delivered: 0,
    invalid: 0,
    duplicates: 0,
    handlerErrors: 0,
    dropped: 0,
    reconnects: 0,
  };
  const dedup = new Map<ChannelName, ChannelDedup | undefined>(
    channelNames.map((channel) => [channel, dedupForChannel(channel, options.dedup, options.dedupWindow)]),
  );

  // The parts reach each other through these three; each is assigned once, right below.
  let registry: SubscriptionRegistry;
  let pipeline: MessagePipeline;
  const connection = new SubscriberConnection(options.connection, heartbeatOf(options), {
    onReady: (_epoch, gapFrom) => registry.connected(gapFrom),
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

function heartbeatOf(options: SubscriberOptions): { intervalMs: number; timeoutMs: number } | undefined {
  if (options.heartbeat === false) return undefined;
  return {
    intervalMs: options.heartbeat?.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    timeoutMs: options.heartbeat?.timeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
  };
}
