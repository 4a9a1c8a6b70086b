// The subscriber's public API: createSubscriber, its types, topics and error classes.
export {
  createSubscriber,
  type DeliveryContext,
  type EventHandler,
  type ParameterisedChannel,
  type SelectionArgs,
  type StreamChannel,
  type StreamEvent,
  type StreamOptions,
  type Subscriber,
  type SubscriberOptions,
  type SubscriberStats,
  type SubscriberStream,
  type TopicFor,
  type Unsubscribe,
} from "./create-subscriber.js";
export { DEFAULT_DEDUP, type DedupOptions, type DedupSettings } from "./dedup/dedup-policy.js";
export {
  HandlerError,
  HeartbeatTimeoutError,
  ShardedPatternError,
  StreamOverflowError,
  SubscribeFailedError,
  SubscriberClosedError,
  SubscriberConnectionError,
} from "./errors.js";
export type { OverflowPolicy } from "./receive/event-queue.js";
export type {
  Gap,
  InvalidMessage,
  SubscriberEvents,
  SubscriberLogger,
} from "./subscriber-events.js";
export {
  type AddressTopic,
  type ParameterSelection,
  type PatternTopic,
  parseTopic,
  type Topic,
  topicsFor,
  wildcardPattern,
} from "./topics.js";
