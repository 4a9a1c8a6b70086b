// The typed publisher: validates against the contract, sends PUBLISH without ever waiting in ioredis's
// offline queue, retries transient failures, and falls back to a buffer it replays in order.
import { Redis, type RedisOptions } from "ioredis";
import type { ChannelName } from "../../generated/index.js";
import { resolveAddress } from "../contract/addresses.js";
import { ConnectionGate } from "./connection-gate.js";
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
import { Fifo } from "./fifo.js";

import type { PreparedMessage, PublishOptions, PublishPayload } from "./prepare-message.js";
import { type ChannelOfAddress, type ConcreteAddress, prepareFor } from "./publish-target.js";

import {
  type BufferReason,
  createEventHub,
  type PublisherEventName,
  type PublisherListener,
  type PublisherLogger,
} from "./publisher-events.js";
import { eventIdOf, Replayer } from "./replayer.js";
import { ReplyDeadlines } from "./reply-deadlines.js";
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
  /** PUBLISHes of new messages sent and awaiting their reply (several per channel: they are pipelined). */
  readonly inFlight: number;
  readonly bufferSize: number;
  /** Whether buffered messages are on disk, and if not, why not. */
  readonly durability: DurabilityState;
  /** What start-up found in the journal (recovered entries, a damaged tail set aside). */
  readonly recovery: RecoveryReport | undefined;
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

const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
const DEFAULT_BUFFERED_CHANNELS: ReadonlySet<ChannelName> = new Set(["signals.generated"]);

const DEFAULT_CAPACITY = 10_000;

interface ChannelSettings {
  readonly buffer: boolean;
  readonly minSubscribers: number;
}

/** The publishes to one concrete channel that are not settled yet, oldest first. */
interface Lane {
  readonly address: string;
  readonly settings: ChannelSettings;
  readonly queue: Fifo<PendingPublish>;
  /** The first `inFlight` messages of the queue are sent and await their reply; the rest wait their turn. */
  inFlight: number;
  /** Set while the lane holds (a backoff, or waiting for the connection): calling it ends the hold early. */
  release: (() => void) | undefined;
  pumping: boolean;
}

/** A message accepted by publish() and not settled yet. */
interface PendingPublish {
  readonly message: PreparedMessage;
  readonly lane: Lane;
  /** PUBLISHes sent for it so far. */
  attempts: number;
  /** No retry starts after this (epoch ms); 0 until the message's first turn. */
  deadline: number;
  /** The attempt whose reply decides; 0 when none does (not sent, settled, or to be sent again). */
  attempt: number;
  /** When that attempt times out (epoch ms). */
  timeoutAt: number;
  readonly resolve: (result: PublishResult) => void;
  readonly reject: (error: unknown) => void;
}

export function createPublisher(options: PublisherOptions): Publisher {
  const logger = options.logger ?? {};
  const hub = createEventHub(logger);
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;

  const stats = { published: 0, retried: 0, buffered: 0, replayed: 0, dropped: 0 };
  // Created once the client exists; the buffer reports drops (from loading the journal on) before that.
  let replayerForDrops: Replayer | undefined;
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
      // An entry whose replay is in flight may still get through: its PUBLISH decides what to report.
      if (replayerForDrops?.claimEvicted(entry) !== true) reportDropped(entry);
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
      spans: damage.spans,
      lostSeqs: damage.lostSeqs,
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
  // One lane per concrete channel with unsettled publishes (see the ordering notes at sendInOrder).
  const lanes = new Map<string, Lane>();
  // Every PUBLISH awaiting its reply, oldest first: one timer for all of them.
  const replyDeadlines = new ReplyDeadlines<PendingPublish>(commandTimeoutMs, (pending, attempt) =>
    onAttemptFailed(pending.lane, pending, attempt, new PublishTimeoutError(commandTimeoutMs)),
  );
  let lastAttempt = 0;
  let inFlight = 0;
  let unsettled = 0;
  let idleWaiters: (() => void)[] = [];
  // Releases of the lanes that are holding (backoff, waiting for the connection): close() cuts them short.
  const holds = new Set<() => void>();
  const settingsCache = new Map<ChannelName, ChannelSettings>();
  const settingsByAddress = new Map<string, ChannelSettings>();
  const gate = new ConnectionGate(client, logger, () => {
    replayer.resetDelay();
    if (buffer.size > 0) void replayer.replay();
  });
  const replayer = new Replayer({
    client,
    gate,
    buffer,
    hub,
    logger,
    commandTimeoutMs,
    initialDelayMs: options.replay?.initialDelayMs ?? 100,
    maxDelayMs: options.replay?.maxDelayMs ?? 5_000,
    minSubscribersOf: (address: string) => settingsOfAddress(address).minSubscribers,
    onReplayed: reportReplayed,
    onDroppedInFlight: reportDropped,
  });
  replayerForDrops = replayer;
  // A connection of ours created with lazyConnect would never connect: nothing is ever queued to trigger it.
  if (owned && client.status === "wait") client.connect().catch(() => {});

  queueMicrotask(() => {
    const pending = startupEvents ?? [];
    startupEvents = undefined;
    for (const emit of pending) emit();
    if (buffer.size > 0) {
      hub.emit("bufferSize", { size: buffer.size });
      // At start-up: replay what an earlier process left in the journal.
      if (gate.ready) void replayer.replay();
    }
  });

  function reportDropped(entry: BufferedEntry): void {
    stats.dropped += 1;
    const event = { channel: entry.channel, eventId: eventIdOf(entry.payload), droppedTotal: stats.dropped };
    logger.warn?.("publisher: fallback buffer full, dropped a message", event);
    emitSoon(() => hub.emit("dropped", event));
  }

  function reportReplayed(entry: BufferedEntry, subscribers: number, acknowledged: boolean): void {
    if (acknowledged) countBuffered(entry.channel, -1);
    stats.replayed += 1;
    const bufferSize = buffer.size;
    if (hub.listens("replayed")) {
      const eventId = eventIdOf(entry.payload);
      hub.emit("replayed", { channel: entry.channel, eventId, subscribers, bufferSize });
    }
    if (hub.listens("bufferSize")) hub.emit("bufferSize", { size: bufferSize });
  }

  /** Settings by concrete address (replay knows only the address); remembered, the memory bounded. */
  function settingsOfAddress(address: string): ChannelSettings {
    let settings = settingsByAddress.get(address);
    if (settings === undefined) {
      settings = channelSettings(resolveAddress(address)?.channel);
      if (settingsByAddress.size >= 10_000) settingsByAddress.clear();
      settingsByAddress.set(address, settings);
    }
    return settings;
  }

  function countBuffered(address: string, delta: number): void {
    const next = (bufferedPerAddress.get(address) ?? 0) + delta;
    if (next > 0) bufferedPerAddress.set(address, next);
    else bufferedPerAddress.delete(address);
  }

  function channelSettings(channel: ChannelName | undefined): ChannelSettings {
    if (channel === undefined) return { buffer: false, minSubscribers: 0 };
    let cached = settingsCache.get(channel);
    if (cached === undefined) {
      const settings = options.channels?.[channel];
      cached = {
        buffer: settings?.buffer ?? DEFAULT_BUFFERED_CHANNELS.has(channel),
        minSubscribers: settings?.minSubscribers ?? 0,
      };
      settingsCache.set(channel, cached);
    }
    return cached;
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
      replayer.schedule();
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

  // Ordering. Publishes are pipelined: a PUBLISH is written as soon as publish() is called, without waiting
  // for the reply to the one before. Order holds because ioredis writes one connection's commands in call
  // order (with autoResendUnfulfilledCommands, a caller's client resends the unanswered ones, in order,
  // before anything new after a reconnect) and Redis runs one connection's commands in the order received.
  // Where order could break is a failure, hence per channel:
  // - messages are sent in call order, and those awaiting a reply are always the oldest unsettled ones;
  // - when one fails transiently (connection lost, no reply in time, LOADING...), it and every later one
  //   still awaiting a reply go again, in call order, after its backoff, and nothing newer goes before
  //   them. Their first attempts may have run (a lost connection runs a prefix of what was written; a
  //   timed-out PUBLISH may run late): at least once, not exactly once;
  // - while a retry is pending, or messages are in the fallback buffer, newer messages queue behind;
  // - with minSubscribers > 0 one PUBLISH is in flight at a time: whether the next may go depends on the
  //   subscriber count in this one's reply (a subscriber joining mid-pipeline would get a later one first).
  // So, per channel, the first copy of each message that Redis runs comes in publish() call order (a
  // message rejected with PublishError may or may not have run; one dropped from the buffer never runs
  // again, but it may have run before it was buffered). One exception: a
  // "not now" reply error (LOADING, TRYAGAIN, CLUSTERDOWN) to one PUBLISH while Redis ran a later one of
  // the same pipeline, i.e. the server's state flipped between the two; the later ones then go again
  // after the retried one, so that the last copy of each is in order.

  function laneFor(message: PreparedMessage): Lane {
    let lane = lanes.get(message.address);
    if (lane === undefined) {
      lane = {
        address: message.address,
        settings: channelSettings(message.channel),
        queue: new Fifo(),
        inFlight: 0,
        release: undefined,
        pumping: false,
      };
      lanes.set(message.address, lane);
    }
    return lane;
  }

  /** Sends the lane's waiting messages in order, as far as it may: it stops at a hold or a serial lane's reply. */
  function sendInOrder(lane: Lane): void {
    if (lane.pumping) return; // a listener publishing from inside: the loop below picks its message up
    lane.pumping = true;
    const now = Date.now(); // one reading for the whole loop: it runs without yielding
    try {
      while (lane.release === undefined && lane.inFlight < lane.queue.length) {
        if (lane.settings.minSubscribers > 0 && lane.inFlight > 0) break;
        const pending = lane.queue.at(lane.inFlight) as PendingPublish;
        if (lane.settings.buffer && bufferedPerAddress.has(lane.address)) {
          lane.queue.removeAt(lane.inFlight);
          settleBuffered(pending, "behind-buffered", undefined);
          continue;
        }
        // The retry budget starts at the message's turn, as if it were the only one.
        if (pending.deadline === 0) pending.deadline = now + retry.maxElapsedMs;
        if (!gate.ready) {
          // Not an attempt: nothing is sent. Wait for the connection within the budget, never in ioredis's queue.
          const connectionError = gate.fatalError;
          if (connectionError !== undefined) {
            lane.queue.removeAt(lane.inFlight);
            const { address, eventId } = pending.message;
            settle(pending);
            pending.reject(new PublishError(address, eventId, pending.attempts, false, connectionError));
            continue;
          }
          const remainingMs = pending.deadline - now;
          if (closing || remainingMs <= 0) {
            lane.queue.removeAt(lane.inFlight);
            giveUp(lane, pending, new ConnectionNotReadyError(client.status));
            continue;
          }
          hold(lane, remainingMs, true);
          break;
        }
        send(lane, pending, now);
      }
    } finally {
      lane.pumping = false;
    }
    if (lane.queue.length === 0 && lane.release === undefined) lanes.delete(lane.address);
  }

  function send(lane: Lane, pending: PendingPublish, now: number): void {
    const attempt = ++lastAttempt;
    pending.attempts += 1;
    pending.attempt = attempt;
    lane.inFlight += 1;
    inFlight += 1;
    replyDeadlines.track(pending, now);
    client.publish(lane.address, pending.message.body).then(
      (subscribers) => {
        replyDeadlines.noteReply();
        onReply(lane, pending, attempt, subscribers);
      },
      (error: unknown) => {
        if (isReplyError(error)) replyDeadlines.noteReply();
        onAttemptFailed(lane, pending, attempt, error);
      },
    );
  }

  function onReply(lane: Lane, pending: PendingPublish, attempt: number, subscribers: number): void {
    if (pending.attempt !== attempt) return; // timed out or resent meanwhile: this reply no longer decides
    if (subscribers < lane.settings.minSubscribers) {
      onAttemptFailed(
        lane,
        pending,
        attempt,
        new TooFewSubscribersError(subscribers, lane.settings.minSubscribers),
      );
      return;
    }
    removeInFlight(lane, pending);
    settle(pending);
    stats.published += 1;
    const { address, eventId } = pending.message;
    if (hub.listens("published")) {
      hub.emit("published", { channel: address, eventId, subscribers, attempts: pending.attempts });
    }
    pending.resolve({
      status: "published",
      channel: address,
      eventId,
      subscribers,
      attempts: pending.attempts,
    });
    if (lane.settings.minSubscribers > 0 || lane.queue.length === 0) sendInOrder(lane);
  }

  function onAttemptFailed(lane: Lane, pending: PendingPublish, attempt: number, error: unknown): void {
    if (pending.attempt !== attempt) return;
    const { address, eventId } = pending.message;
    if (!isTransientRedisError(error)) {
      removeInFlight(lane, pending);
      settle(pending);
      logger.error?.("publisher: publish failed, not retried", { channel: address, error });
      pending.reject(new PublishError(address, eventId, pending.attempts, false, error));
      sendInOrder(lane);
      return;
    }
    // This message and the ones sent after it to the channel go again, in order: their replies no longer count.
    const index = lane.queue.indexOf(pending);
    if (index < 0 || index >= lane.inFlight) return; // cannot happen: an attempt that counts is in flight
    const followers: PendingPublish[] = [];
    for (let i = index + 1; i < lane.inFlight; i++) {
      const follower = lane.queue.at(i) as PendingPublish;
      follower.attempt = 0;
      followers.push(follower);
    }
    pending.attempt = 0;
    inFlight -= lane.inFlight - index;
    lane.inFlight = index;

    const delayMs = backoffDelay(pending.attempts, retry);
    const retrying =
      !closing && pending.attempts < retry.maxAttempts && Date.now() + delayMs <= pending.deadline;
    if (retrying) {
      hold(lane, delayMs, false);
      stats.retried += 1;
      hub.emit("retried", { channel: address, eventId, attempt: pending.attempts, delayMs, error });
      logger.debug?.("publisher: transient failure, retrying", { channel: address, delayMs, error });
    } else {
      // Settled before anything else can run (a listener publishing to this channel): nothing overtakes it.
      lane.queue.removeAt(index);
      giveUp(lane, pending, error);
    }
    for (const follower of followers) {
      stats.retried += 1;
      hub.emit("retried", {
        channel: address,
        eventId: follower.message.eventId,
        attempt: follower.attempts,
        delayMs: retrying ? delayMs : 0,
        error,
      });
    }
    if (!retrying) sendInOrder(lane);
  }

  /** Takes a message whose attempt ended out of the lane's in-flight prefix. */
  function removeInFlight(lane: Lane, pending: PendingPublish): void {
    pending.attempt = 0;
    if (lane.queue.at(0) === pending) lane.queue.shift();
    else lane.queue.removeAt(lane.queue.indexOf(pending));
    lane.inFlight -= 1;
    inFlight -= 1;
  }

  /** Retries ran out (or the publisher is closing): the buffer, or the caller's error. */
  function giveUp(lane: Lane, pending: PendingPublish, error: unknown): void {
    if (lane.settings.buffer) {
      settleBuffered(pending, "publish-failed", error);
      return;
    }
    settle(pending);
    const { address, eventId } = pending.message;
    pending.reject(new PublishError(address, eventId, pending.attempts, true, error));
  }

  function settleBuffered(pending: PendingPublish, reason: BufferReason, error: unknown): void {
    settle(pending);
    let result: PublishResult;
    try {
      result = bufferMessage(pending.message, reason, pending.attempts, error);
    } catch (bufferError) {
      pending.reject(bufferError);
      return;
    }
    pending.resolve(result);
  }

  /** Counts a message as settled; close() waits until none is left. */
  function settle(pending: PendingPublish): void {
    pending.attempt = 0;
    unsettled -= 1;
    if (unsettled === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /**
   * Stops the lane sending for `ms`: a backoff, or (untilReady) a wait for the connection that also ends
   * when it is ready or fails for good. close() ends every hold at once.
   */
  function hold(lane: Lane, ms: number, untilReady: boolean): void {
    const previous = lane.release;
    lane.release = undefined;
    previous?.(); // only cleans up: it is no longer the lane's release
    const release = () => {
      clearTimeout(timer);
      holds.delete(release);
      gate.stopWaiting(release);
      if (lane.release !== release) return;
      lane.release = undefined;
      sendInOrder(lane);
    };
    const timer = setTimeout(release, ms);
    lane.release = release;
    holds.add(release);
    if (untilReady) gate.waitForReady(release);
  }

  function publish(
    target: string,
    payload: unknown,
    publishOptions?: Record<string, unknown>,
  ): Promise<PublishResult> {
    let message: PreparedMessage;
    try {
      message = prepareFor(target, payload, publishOptions);
    } catch (error) {
      return Promise.reject(error);
    }
    if (closing) return Promise.reject(new PublisherClosedError(message.address));
    return new Promise((resolve, reject) => {
      const lane = laneFor(message);
      lane.queue.push({ message, lane, attempts: 0, deadline: 0, attempt: 0, timeoutAt: 0, resolve, reject });
      unsettled += 1;
      sendInOrder(lane);
    });
  }

  async function closeOnce(): Promise<void> {
    closing = true;
    const replayStopped = replayer.stop();
    for (const release of [...holds]) release();
    // Publishes already accepted finish: their current attempt, then the buffer (or their error).
    if (unsettled > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    replyDeadlines.clear();
    await replayStopped;
    if (!buffer.durability.durable && buffer.size > 0) {
      // In memory the buffer dies with the publisher: one last replay pass, then say what is lost.
      if (gate.ready) await replayer.finalPass();
      if (buffer.size > 0) {
        logger.warn?.("publisher: closed with messages buffered in memory only; they are lost", {
          lost: buffer.size,
        });
      }
    }
    gate.dispose();
    await buffer.close();
    if (owned) client.disconnect();
  }

  return {
    publish,
    replayBufferedMessages: () => replayer.replay(),
    on: hub.on,
    off: hub.off,
    stats: () => ({
      ...stats,
      inFlight,
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

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === "ReplyError";
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

export type { BufferedEntry };
