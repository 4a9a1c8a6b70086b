// The typed publisher: validates against the contract, sends PUBLISH without ever waiting in ioredis's
// offline queue, retries transient failures, and falls back to a buffer it replays in order.
import { Redis, type RedisOptions } from "ioredis";
import type { ChannelName } from "../../generated/index.js";
import { resolveAddress } from "../contract/addresses.js";
import {
  ConnectionNotReadyError,
  PublishError,
  PublisherClosedError,
  PublishTimeoutError,
  TooFewSubscribersError,
} from "./errors.js";
import {
  type BufferedEntry,
  createFallbackBuffer,
  type DurabilityState,
  type FsyncPolicy,
  type OverflowPolicy,
  type RecoveryReport,
} from "./fallback-buffer.js";
import {
  type PreparedMessage,
  type PublishOptions,
  type PublishPayload,
  prepareMessage,
} from "./prepare-message.js";
import {
  type BufferReason,
  createEventHub,
  type PublisherEventName,
  type PublisherListener,
  type PublisherLogger,
} from "./publisher-events.js";
import { backoffDelay, DEFAULT_RETRY, isTransientRedisError, type RetryOptions } from "./retry.js";

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
   */
  readonly connection: Redis | RedisOptions | string;
  /** No reply to one PUBLISH within this time is a transient failure (outcome unknown); default 2,000 ms. */
  readonly commandTimeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Per-channel settings; channels not named use the defaults. */
  readonly channels?: { readonly [C in ChannelName]?: ChannelPublishOptions };
  readonly buffer?: PublisherBufferOptions;
  readonly replay?: ReplayOptions;
  /** Receives the publisher's diagnostics; nothing is printed without one. */
  readonly logger?: PublisherLogger;
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
  readonly bufferSize: number;
  /** Whether buffered messages are on disk, and if not, why not. */
  readonly durability: DurabilityState;
  /** What start-up found in the journal (recovered entries, a damaged tail set aside). */
  readonly recovery: RecoveryReport | undefined;
}

export interface Publisher {
  /** Publishes one event. Rejects with ContractValidationError (nothing sent), PublishError or PublisherClosedError. */
  publish<C extends ChannelName>(
    channel: C,
    payload: PublishPayload<C>,
    options?: PublishOptions<C>,
  ): Promise<PublishResult>;
  /** Replays the buffer now (it also replays by itself); resolves when replay finished or stopped. */
  replayBufferedMessages(): Promise<void>;
  on<E extends PublisherEventName>(event: E, listener: PublisherListener<E>): () => void;
  off<E extends PublisherEventName>(event: E, listener: PublisherListener<E>): void;
  stats(): PublisherStats;
  /** Finishes in-flight publishes (cutting retries short), stops replay and closes the journal. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
const DEFAULT_BUFFERED_CHANNELS: ReadonlySet<ChannelName> = new Set(["signals.generated"]);

const DEFAULT_CAPACITY = 10_000;

export function createPublisher(options: PublisherOptions): Publisher {
  const logger = options.logger ?? {};
  const hub = createEventHub(logger);
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const replayInitialDelayMs = options.replay?.initialDelayMs ?? 100;
  const replayMaxDelayMs = options.replay?.maxDelayMs ?? 5_000;

  const stats = { published: 0, retried: 0, buffered: 0, replayed: 0, dropped: 0 };
  let replaying: BufferedEntry | undefined;
  let evictedWhileReplaying = false;
  // Buffered messages per concrete channel: while one is buffered, newer ones for it must queue behind.
  const bufferedPerAddress = new Map<string, number>();
  // Events of the start-up (journal repaired, unusable, over capacity) wait until listeners can exist.
  let startupEvents: (() => void)[] | undefined = [];
  const emitSoon = (emit: () => void) => (startupEvents === undefined ? emit() : startupEvents.push(emit));

  const buffer = createFallbackBuffer({
    capacity: options.buffer?.capacity ?? DEFAULT_CAPACITY,
    ...(options.buffer?.overflow === undefined ? {} : { overflow: options.buffer.overflow }),
    ...(options.buffer?.path === undefined ? {} : { path: options.buffer.path }),
    ...(options.buffer?.fsync === undefined ? {} : { fsync: options.buffer.fsync }),
    ...(options.buffer?.compactionThresholdBytes === undefined
      ? {}
      : { compactionThresholdBytes: options.buffer.compactionThresholdBytes }),
    logger: {
      warn: (message, fields) => logger.warn?.(`publisher: ${message}`, fields),
      error: (message, fields) => logger.error?.(`publisher: ${message}`, fields),
      info: (message, fields) => logger.info?.(`publisher: ${message}`, fields),
      debug: (message, fields) => logger.debug?.(`publisher: ${message}`, fields),
    },
    onDrop(entry, reason) {
      // Entries dropped while loading the journal were never counted.
      if (reason === "evicted-oldest") countBuffered(entry.channel, -1);
      // The entry being replayed right now may still get through: its PUBLISH decides what to report.
      if (entry.seq === replaying?.seq) evictedWhileReplaying = true;
      else reportDropped(entry);
    },
    onDurabilityLost(state) {
      emitSoon(() => hub.emit("journalUnavailable", { path: state.path, error: state.cause }));
    },
  });
  for (const entry of buffer.entries()) countBuffered(entry.channel, 1);
  const damage = buffer.recovery?.damage;
  if (buffer.recovery !== undefined && damage !== undefined) {
    const event = {
      path: buffer.recovery.path,
      asidePath: damage.setAsidePath,
      reason: damage.reason,
      bytes: damage.bytes,
    };
    emitSoon(() => hub.emit("journalRepaired", event));
  }

  const owned = !isRedisClient(options.connection);
  let client: Redis;
  try {
    client = isRedisClient(options.connection) ? options.connection : createOwnedClient(options.connection);
  } catch (error) {
    void buffer.close(); // do not leak the journal's file descriptor
    throw error;
  }

  let closing = false;
  let closePromise: Promise<void> | undefined;
  // Publishes to one concrete channel run one after another, so a retry can never be overtaken.
  const lanes = new Map<string, Promise<void>>();
  const sleepers = new Set<() => void>();
  let replayRun: Promise<void> | undefined;
  let replayRequested = false;
  let replayTimer: NodeJS.Timeout | undefined;
  let replayDelayMs = replayInitialDelayMs;
  // Set when the connection fails with a reply error (WRONGPASS, NOPERM on HELLO...): not worth retrying.
  let connectionError: unknown;

  const connectionWaiters = new Set<() => void>();
  const onReady = () => {
    connectionError = undefined;
    for (const wake of connectionWaiters) wake();
    replayDelayMs = replayInitialDelayMs;
    if (buffer.size > 0) void replayBufferedMessages();
  };
  const onError = (error: unknown) => {
    // Only while (re)connecting: then a reply error is the handshake's (AUTH, HELLO) and will not go away.
    if (client.status !== "ready" && error instanceof Error && error.name === "ReplyError") {
      connectionError = error;
      for (const wake of connectionWaiters) wake();
    }
    logger.debug?.("publisher: Redis connection error", { error });
  };
  client.on("ready", onReady);
  client.on("error", onError);
  // A connection of ours created with lazyConnect would never connect: nothing is ever queued to trigger it.
  if (owned && client.status === "wait") client.connect().catch(() => {});

  queueMicrotask(() => {
    const pending = startupEvents ?? [];
    startupEvents = undefined;
    for (const emit of pending) emit();
    if (buffer.size > 0) {
      hub.emit("bufferSize", { size: buffer.size });
      // At start-up: replay what an earlier process left in the journal.
      if (client.status === "ready") void replayBufferedMessages();
    }
  });

  function reportDropped(entry: BufferedEntry): void {
    stats.dropped += 1;
    const event = { channel: entry.channel, eventId: eventIdOf(entry.payload), droppedTotal: stats.dropped };
    logger.warn?.("publisher: fallback buffer full, dropped a message", event);
    emitSoon(() => hub.emit("dropped", event));
  }

  function countBuffered(address: string, delta: number): void {
    const next = (bufferedPerAddress.get(address) ?? 0) + delta;
    if (next > 0) bufferedPerAddress.set(address, next);
    else bufferedPerAddress.delete(address);
  }

  function channelSettings(channel: ChannelName | undefined): { buffer: boolean; minSubscribers: number } {
    const settings = channel === undefined ? undefined : options.channels?.[channel];
    return {
      buffer: settings?.buffer ?? (channel !== undefined && DEFAULT_BUFFERED_CHANNELS.has(channel)),
      minSubscribers: settings?.minSubscribers ?? 0,
    };
  }

  /** One PUBLISH, never queued by ioredis: not ready means failing now, no reply in time means a timeout. */
  async function sendOnce(address: string, body: string, minSubscribers: number): Promise<number> {
    if (client.status !== "ready") {
      if (connectionError !== undefined) throw connectionError;
      throw new ConnectionNotReadyError(client.status);
    }
    const reply = client.publish(address, body);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PublishTimeoutError(commandTimeoutMs)), commandTimeoutMs);
    });
    try {
      const subscribers = await Promise.race([reply, timeout]);
      if (subscribers < minSubscribers) throw new TooFewSubscribersError(subscribers, minSubscribers);
      return subscribers;
    } finally {
      clearTimeout(timer);
      reply.catch(() => {}); // a late rejection after the timeout is already accounted for
    }
  }

  function bufferMessage(
    message: PreparedMessage,
    reason: BufferReason,
    attempts: number,
    error?: unknown,
  ): PublishResult {
    try {
      buffer.append(message.address, message.body);
    } catch (bufferError) {
      // reject-new on a full buffer (or a buffer closed under us): the message is refused, loudly.
      throw new PublishError(message.address, message.eventId, attempts, true, bufferError);
    }
    countBuffered(message.address, 1);
    stats.buffered += 1;
    const bufferSize = buffer.size;
    hub.emit("buffered", {
      channel: message.address,
      eventId: message.eventId,
      reason,
      bufferSize,
      ...(error === undefined ? {} : { error }),
    });
    hub.emit("bufferSize", { size: bufferSize });
    if (reason === "publish-failed") {
      logger.warn?.("publisher: Redis unavailable, message buffered", {
        channel: message.address,
        eventId: message.eventId,
        bufferSize,
        error,
      });
      scheduleReplay();
    }
    return {
      status: "buffered",
      channel: message.address,
      eventId: message.eventId,
      reason,
      durable: buffer.durability.durable,
      bufferSize,
    };
  }

  async function deliver(message: PreparedMessage): Promise<PublishResult> {
    const settings = channelSettings(message.channel);
    if (settings.buffer && bufferedPerAddress.has(message.address)) {
      return bufferMessage(message, "behind-buffered", 0);
    }
    const deadline = Date.now() + retry.maxElapsedMs;
    let attempts = 0;
    const giveUp = (error: unknown): PublishResult => {
      if (settings.buffer) return bufferMessage(message, "publish-failed", attempts, error);
      throw new PublishError(message.address, message.eventId, attempts, true, error);
    };
    for (;;) {
      if (client.status !== "ready") {
        // Not an attempt: nothing is sent. Wait for the connection within the time budget, never in ioredis's queue.
        if (connectionError !== undefined) {
          throw new PublishError(message.address, message.eventId, attempts, false, connectionError);
        }
        const remainingMs = deadline - Date.now();
        if (closing || remainingMs <= 0) return giveUp(new ConnectionNotReadyError(client.status));
        await waitForConnection(remainingMs);
        continue;
      }
      attempts += 1;
      try {
        const subscribers = await sendOnce(message.address, message.body, settings.minSubscribers);
        stats.published += 1;
        hub.emit("published", { channel: message.address, eventId: message.eventId, subscribers, attempts });
        return {
          status: "published",
          channel: message.address,
          eventId: message.eventId,
          subscribers,
          attempts,
        };
      } catch (error) {
        if (!isTransientRedisError(error)) {
          logger.error?.("publisher: publish failed, not retried", { channel: message.address, error });
          throw new PublishError(message.address, message.eventId, attempts, false, error);
        }
        const delayMs = backoffDelay(attempts, retry);
        if (closing || attempts >= retry.maxAttempts || Date.now() + delayMs > deadline) return giveUp(error);
        stats.retried += 1;
        hub.emit("retried", {
          channel: message.address,
          eventId: message.eventId,
          attempt: attempts,
          delayMs,
          error,
        });
        logger.debug?.("publisher: transient failure, retrying", {
          channel: message.address,
          delayMs,
          error,
        });
        await sleep(delayMs);
      }
    }
  }

  /** A backoff that close() cuts short. */
  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  }

  /** Until the client is ready, fails for good (WRONGPASS...), close() is called, or `ms` passed. */
  function waitForConnection(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        connectionWaiters.delete(wake);
        sleepers.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      // One listener on the client wakes every waiter: a listener each would trip Node's leak warning.
      connectionWaiters.add(wake);
      sleepers.add(wake);
    });
  }

  function inLane<T>(address: string, task: () => Promise<T>): Promise<T> {
    const previous = lanes.get(address) ?? Promise.resolve();
    const run = previous.then(task);
    const settled = run.then(
      () => {},
      () => {},
    );
    lanes.set(address, settled);
    void settled.then(() => {
      if (lanes.get(address) === settled) lanes.delete(address);
    });
    return run;
  }

  function scheduleReplay(): void {
    if (closing || replayTimer !== undefined || buffer.size === 0) return;
    const delay = replayDelayMs;
    replayDelayMs = Math.min(replayMaxDelayMs, replayDelayMs * 2);
    replayTimer = setTimeout(() => {
      replayTimer = undefined;
      void replayBufferedMessages();
    }, delay);
    // The timer alone does not keep a process alive; the connection does.
    replayTimer.unref();
  }

  function replayBufferedMessages(): Promise<void> {
    if (replayRun !== undefined) {
      replayRequested = true;
      return replayRun;
    }
    replayRun = (async () => {
      try {
        do {
          replayRequested = false;
          if (await drainBuffer()) replayDelayMs = replayInitialDelayMs;
        } while (replayRequested && !closing && buffer.size > 0);
      } finally {
        replayRun = undefined;
      }
      if (buffer.size > 0) scheduleReplay();
    })();
    return replayRun;
  }

  /** Publishes buffered messages oldest first; stops at the first failure. True when the buffer was emptied. */
  async function drainBuffer(finalPass = false): Promise<boolean> {
    for (;;) {
      if (closing && !finalPass) return false;
      const entry = buffer.oldest();
      if (entry === undefined) return true;
      const { minSubscribers } = channelSettings(resolveAddress(entry.channel)?.channel);
      let subscribers: number;
      replaying = entry;
      evictedWhileReplaying = false;
      try {
        subscribers = await sendOnce(entry.channel, entry.payload, minSubscribers);
      } catch (error) {
        replaying = undefined;
        if (evictedWhileReplaying) reportDropped(entry);
        const bufferSize = buffer.size;
        hub.emit("replayStopped", {
          channel: entry.channel,
          eventId: eventIdOf(entry.payload),
          error,
          bufferSize,
        });
        logger.info?.("publisher: replay stopped; the rest stays buffered", {
          channel: entry.channel,
          bufferSize,
          error,
        });
        return false;
      }
      replaying = undefined;
      // Acknowledged only after the reply: a crash before this line replays the message again (at-least-once).
      // False when drop-oldest evicted the entry while it was being sent: it got through all the same.
      if (buffer.acknowledge(entry.seq)) countBuffered(entry.channel, -1);
      stats.replayed += 1;
      const bufferSize = buffer.size;
      hub.emit("replayed", {
        channel: entry.channel,
        eventId: eventIdOf(entry.payload),
        subscribers,
        bufferSize,
      });
      hub.emit("bufferSize", { size: bufferSize });
    }
  }

  function publish<C extends ChannelName>(
    channel: C,
    payload: PublishPayload<C>,
    publishOptions?: PublishOptions<C>,
  ): Promise<PublishResult> {
    let message: PreparedMessage;
    try {
      message = prepareMessage(channel, payload, publishOptions);
    } catch (error) {
      return Promise.reject(error);
    }
    if (closing) return Promise.reject(new PublisherClosedError(message.address));
    return inLane(message.address, () => deliver(message));
  }

  async function closeOnce(): Promise<void> {
    closing = true;
    clearTimeout(replayTimer);
    replayTimer = undefined;
    for (const wake of sleepers) wake();
    // Publishes already accepted finish: their current attempt, then the buffer (or their error).
    await Promise.all([...lanes.values()]);
    await replayRun;
    if (!buffer.durability.durable && buffer.size > 0) {
      // In memory the buffer dies with the publisher: one last replay pass, then say what is lost.
      if (client.status === "ready") await drainBuffer(true);
      if (buffer.size > 0) {
        logger.warn?.("publisher: closed with messages buffered in memory only; they are lost", {
          lost: buffer.size,
        });
      }
    }
    client.off("ready", onReady);
    client.off("error", onError);
    await buffer.close();
    if (owned) client.disconnect();
  }

  return {
    publish,
    replayBufferedMessages,
    on: hub.on,
    off: hub.off,
    stats: () => ({
      ...stats,
      bufferSize: buffer.size,
      durability: buffer.durability,
      recovery: buffer.recovery,
    }),
    close() {
      closePromise ??= closeOnce();
      return closePromise;
    },
  };
}

function isRedisClient(connection: PublisherOptions["connection"]): connection is Redis {
  return typeof connection === "object" && typeof (connection as Redis).publish === "function";
}

function createOwnedClient(connection: RedisOptions | string): Redis {
  // Fail fast: a command while disconnected is rejected at once instead of queued (ioredis's default holds
  // it for ~20 reconnection attempts), and one in flight is rejected as soon as the connection drops.
  const failFast = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  };
  // `as never`: ioredis's overloads reject its own RedisOptions under exactOptionalPropertyTypes (replyMapping).
  return typeof connection === "string"
    ? new Redis(connection, failFast)
    : new Redis({ ...connection, ...failFast } as never);
}

const EVENT_ID = /"event_id":"([^"\\]*)"/;

/** The event id of a serialised message, for reports only (journals written by others may lack it). */
function eventIdOf(body: string): string | undefined {
  return EVENT_ID.exec(body)?.[1];
}

export type { BufferedEntry };
