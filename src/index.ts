// @trading-platform/events: the typed contract of the trading platform's Redis pub/sub events.
// End-user symbols first (publisher, subscriber, contract checks), then the building blocks.

export {
  type ChannelAddresses,
  type ChannelDateTimeFields,
  type ChannelName,
  type ChannelParameters,
  type ChannelPayloads,
  type ContractExample,
  type ContractValidator,
  channelNames,
  channels,
  contractVersion,
} from "../generated/index.js";
export type * from "../generated/types.js";
export { InvalidRedisUrlError, redactRedisUrl, redisOptionsFromUrl } from "./connection/redis-url.js";
export { TlsConnectionError } from "./connection/tls-failure.js";
export {
  isChannelName,
  type ResolvedAddress,
  requireAddress,
  requireAddressOrChannel,
  requireChannel,
  resolveAddress,
  resolveAddressOrChannel,
} from "./contract/addresses.js";
export { closestChannel } from "./contract/closest-channel.js";
export { formatReasons, type ValidationReason } from "./contract/reasons.js";
export {
  type CheckResult,
  type ContractView,
  checkPayload,
  checkRawMessage,
  DEFAULT_MAX_MESSAGE_BYTES,
  parseRawMessage,
} from "./contract/validate.js";
export { ContractValidationError, UnknownChannelError } from "./errors.js";
export {
  type BufferReason,
  type ChannelPublishOptions,
  ConnectionNotReadyError,
  createPublisher,
  type DateTimeField,
  DEFAULT_RETRY,
  type DurabilityState,
  type FsyncPolicy,
  isTransientRedisError,
  JournalLockedError,
  JournalLockUnsupportedError,
  type OverflowPolicy as BufferOverflowPolicy,
  PublishError,
  type Publisher,
  type PublisherBufferOptions,
  PublisherClosedError,
  type PublisherEventName,
  type PublisherEvents,
  type PublisherListener,
  type PublisherLogger,
  type PublisherOptions,
  type PublisherStats,
  type PublishOptions,
  type PublishPayload,
  type PublishResult,
  PublishTimeoutError,
  type RecoveryReport,
  type ReplayOptions,
  type RetryOptions,
  TooFewSubscribersError,
} from "./publisher/index.js";
export type { SubscriberConnectionOptions } from "./subscriber/create-subscriber.js";
export {
  type AddressTopic,
  createSubscriber,
  DEFAULT_DEDUP,
  type DedupOptions,
  type DedupSettings,
  type DeliveryContext,
  type EventHandler,
  type Gap,
  HandlerError,
  HeartbeatTimeoutError,
  type InvalidMessage,
  type OverflowPolicy as StreamOverflowPolicy,
  type ParameterSelection,
  type PatternTopic,
  parseTopic,
  type StreamEvent,
  type StreamOptions,
  StreamOverflowError,
  SubscribeFailedError,
  type Subscriber,
  SubscriberClosedError,
  SubscriberConnectionError,
  type SubscriberEvents,
  type SubscriberLogger,
  type SubscriberOptions,
  type SubscriberStats,
  type SubscriberStream,
  type Topic,
  topicsFor,
  type Unsubscribe,
  wildcardPattern,
} from "./subscriber/index.js";
