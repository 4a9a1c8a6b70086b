// The publisher's public types: its options, the result of one publish, its stats and its interface.
import type { ChannelName } from "../../generated/index.js";
import type {
  DurabilityState,
  FsyncPolicy,
  OverflowPolicy,
  RecoveryReport,
} from "./buffer/fallback-buffer.js";
import type { PublisherConnectionOption } from "./connection/publisher-connection.js";
import type { PublishOptions, PublishPayload } from "./message/prepare-message.js";
import type { ChannelOfAddress, ConcreteAddress } from "./message/publish-target.js";
import type {
  BufferReason,
  PublisherEventName,
  PublisherListener,
  PublisherLogger,
} from "./publisher-events.js";
import type { SendPath, SendPathOption } from "./send/publish-attempt.js";
import type { PublishMode } from "./send/publish-transport.js";
import type { RetryOptions } from "./send/retry.js";

export interface ChannelPublishOptions {
  /** Keep messages that could not be published in the fallback buffer. Default: on for `signals.generated` only. */
  readonly buffer?: boolean;
  /**
   * A PUBLISH that reaches fewer subscribers is treated as not delivered: retried, then buffered and replayed.
   * Default 0. Use it when a message nobody heard must not be lost, e.g. right after a Redis restart while
   * subscribers are still reconnecting; without subscribers the buffer fills and its overflow policy applies.
   */
  readonly minSubscribers?: number;
}

export interface ReplayOptions {
  /** First wait before replay is tried again after it stopped; doubled each time; default 100 ms. */
  readonly initialDelayMs?: number;
  /** Upper bound of that wait; default 5,000 ms. Replay also starts at once when the connection is ready again. */
  readonly maxDelayMs?: number;
}

export interface PublisherBufferOptions {
  /** An append-only journal file: buffered messages survive a crash or kill -9 of the process. Default: memory only. */
  readonly path?: string;
  /** Most messages held at once, across channels; default 10,000. */
  readonly capacity?: number;
  /** "drop-oldest" (default) evicts the oldest message, reported as `dropped`; "reject-new" refuses the new one. */
  readonly overflow?: OverflowPolicy;
  /** "none" (default) survives a process crash; "always" also fdatasyncs each append to survive a host crash. */
  readonly fsync?: FsyncPolicy;
  /** Dead journal bytes that trigger a compaction; default 1 MiB. */
  readonly compactionThresholdBytes?: number;
}

export interface PublisherOptions {
  /**
   * A client to publish on (the caller keeps owning it: close() leaves it open), or options or a URL for a
   * connection the publisher creates, owns and closes; that one never queues commands while disconnected.
   * A Redis Cluster: an ioredis `Cluster`, or `{ cluster: [{ host, port }, ...], options }` for one of its own.
   */
  readonly connection: PublisherConnectionOption;
  /**
   * "classic" (default): PUBLISH, which a Redis Cluster broadcasts to every node. "sharded": SPUBLISH (Redis 7),
   * which stays on the shard owning the channel's slot; subscribers must use SSUBSCRIBE.
   */
  readonly mode?: PublishMode;
  /** No reply to one PUBLISH within this time is a transient failure (outcome unknown); default 2,000 ms. */
  readonly commandTimeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Per-channel settings; channels not named use the defaults. */
  readonly channels?: { readonly [C in ChannelName]?: ChannelPublishOptions };
  readonly buffer?: PublisherBufferOptions;
  readonly replay?: ReplayOptions;
  /** Receives the publisher's diagnostics; nothing is printed without one. */
  readonly logger?: PublisherLogger;
  /**
   * "auto" (default): on a single Redis in classic mode, the fast path through ioredis's internals where the
   * installed ioredis and the client fit it (probed at start-up; otherwise a warning and the public path).
   * "public": only ioredis's public API, at some cost per message (see the README's benchmarks).
   */
  readonly sendPath?: SendPathOption;
}

export type PublishResult =
  | {
      readonly status: "published";
      /** The concrete Redis channel (`price.updated.AAPL`). */
      readonly channel: string;
      readonly eventId: string;
      /** The PUBLISH reply: how many subscribers received the message. */
      readonly subscribers: number;
      readonly attempts: number;
    }
  | {
      readonly status: "buffered";
      readonly channel: string;
      readonly eventId: string;
      readonly reason: BufferReason;
      /** True when the buffer is a journal on disk: the message survives a crash of this process. */
      readonly durable: boolean;
      readonly bufferSize: number;
    };

export interface PublisherStats {
  /** New messages published (replays not included). */
  readonly published: number;
  readonly retried: number;
  readonly buffered: number;
  /** Messages the overflow policy dropped: never sent. */
  readonly dropped: number;
  readonly replayed: number;
  /** PUBLISHes of new messages sent and awaiting their reply (several per channel: they are pipelined). */
  readonly inFlight: number;
  readonly bufferSize: number;
  /** Whether buffered messages are on disk, and if not, why not. */
  readonly durability: DurabilityState;
  /** What start-up found in the journal (recovered entries, a damaged tail set aside). */
  readonly recovery: RecoveryReport | undefined;
  /** How PUBLISHes are sent: the fast path, or ioredis's public API and why. */
  readonly sendPath: SendPath;
}

export interface Publisher {
  /**
   * Publishes one event to a channel, its address built from the payload. Rejects with UnknownChannelError or
   * ContractValidationError (nothing sent), PublishError or PublisherClosedError.
   */
  publish<C extends ChannelName>(
    channel: C,
    payload: PublishPayload<C>,
    options?: PublishOptions<C>,
  ): Promise<PublishResult>;
  /** Publishes one event to a concrete address (`price.updated.AAPL`), whose parameters the payload must match. */
  publish<A extends ConcreteAddress>(
    address: A,
    payload: PublishPayload<ChannelOfAddress<A>>,
  ): Promise<PublishResult>;
  /** Replays the buffer now (it also replays by itself); resolves when replay finished or stopped. */
  replayBufferedMessages(): Promise<void>;
  on<E extends PublisherEventName>(event: E, listener: PublisherListener<E>): () => void;
  off<E extends PublisherEventName>(event: E, listener: PublisherListener<E>): void;
  stats(): PublisherStats;
  /** Finishes in-flight publishes (cutting retries short), stops replay and closes the journal. Idempotent. */
  close(): Promise<void>;
}
