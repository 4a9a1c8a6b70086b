// The publisher's public API: a typed publish with retries and an ordered, optionally durable fallback buffer.

export type { ClusterConnectionOptions } from "../connection/cluster-options.js";
export type {
  DurabilityState,
  FsyncPolicy,
  OverflowPolicy,
  RecoveryReport,
} from "./buffer/fallback-buffer.js";
export {
  PublisherConfigError,
  type PublisherConnectionOption,
} from "./connection/publisher-connection.js";
export {
  ConnectionNotReadyError,
  PublishError,
  PublisherClosedError,
  PublishTimeoutError,
  TooFewSubscribersError,
} from "./errors.js";
export { JournalLockedError, JournalLockUnsupportedError } from "./journal/journal-lock.js";
export type { DateTimeField, PublishOptions, PublishPayload } from "./message/prepare-message.js";
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
export type {
  BufferReason,
  PublisherEventName,
  PublisherEvents,
  PublisherListener,
  PublisherLogger,
} from "./publisher-events.js";
export type { SendPath, SendPathOption } from "./send/publish-attempt.js";
export type { PublishConnection, PublishMode } from "./send/publish-transport.js";
export { DEFAULT_RETRY, isTransientRedisError, type RetryOptions } from "./send/retry.js";
