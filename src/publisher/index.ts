// The publisher's public API: a typed publish with retries and an ordered, optionally durable fallback buffer.

export type { ClusterConnectionOptions } from "../connection/cluster-options.js";
export {
  ConnectionNotReadyError,
  PublishError,
  PublisherClosedError,
  PublishTimeoutError,
  TooFewSubscribersError,
} from "./errors.js";
export type { DurabilityState, FsyncPolicy, OverflowPolicy, RecoveryReport } from "./fallback-buffer.js";
export { JournalLockedError, JournalLockUnsupportedError } from "./journal-lock.js";
export type { DateTimeField, PublishOptions, PublishPayload } from "./prepare-message.js";
export type { PublishConnection, PublishMode } from "./publish-transport.js";
export {
  type ChannelPublishOptions,
  createPublisher,
  type Publisher,
  type PublisherBufferOptions,
  type PublisherOptions,
  type PublisherStats,
  type PublishResult,
  type ReplayOptions,
} from "./publisher.js";
export {
  PublisherConfigError,
  type PublisherConnectionOption,
} from "./publisher-connection.js";
export type {
  BufferReason,
  PublisherEventName,
  PublisherEvents,
  PublisherListener,
  PublisherLogger,
} from "./publisher-events.js";
export { DEFAULT_RETRY, isTransientRedisError, type RetryOptions } from "./retry.js";
