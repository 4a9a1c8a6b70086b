// The typed publisher: validates against the contract, sends PUBLISH without ever waiting in ioredis's
// offline queue, retries transient failures, and falls back to a buffer it replays in order. It only wires
// its parts: the send lanes (ordering, retries), the buffer and its replayer, the connection gate.
import { BufferedMessages } from "./buffer/buffered-messages.js";
import type { BufferedEntry, FallbackBuffer } from "./buffer/fallback-buffer.js";
import { Replayer } from "./buffer/replayer.js";
import { ChannelSettingsTable } from "./channel-settings.js";
import { ConnectionGate } from "./connection/connection-gate.js";
import { checkModeFitsChannels, openConnection } from "./connection/publisher-connection.js";
import { PublisherClosedError } from "./errors.js";
import type { PreparedMessage } from "./message/prepare-message.js";
import { prepareFor } from "./message/publish-target.js";
import { createEventHub, type PublisherLogger } from "./publisher-events.js";
import { createCounters, snapshotStats } from "./publisher-stats.js";
import type { Publisher, PublisherOptions, PublishResult } from "./publisher-types.js";
import { LaneScheduler } from "./send/lane-scheduler.js";
import { type SendPath, sendAttemptFor, sendPathFor } from "./send/publish-attempt.js";
import { type PublishConnection, publishCommandFor } from "./send/publish-transport.js";
import { DEFAULT_RETRY } from "./send/retry.js";

export type {
  ChannelPublishOptions,
  Publisher,
  PublisherBufferOptions,
  PublisherOptions,
  PublisherStats,
  PublishResult,
  ReplayOptions,
} from "./publisher-types.js";

const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

export function createPublisher(options: PublisherOptions): Publisher {
  const mode = options.mode ?? "classic";
  checkModeFitsChannels(options.connection, mode, options.channels);
  const logger = options.logger ?? {};
  const hub = createEventHub(logger);
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const counters = createCounters();
  const settings = new ChannelSettingsTable(options.channels);
  const buffered = new BufferedMessages(options.buffer, hub, logger, counters);
  const { buffer } = buffered;

  const { client, owned } = openConnection(options.connection, buffer);
  let closePromise: Promise<void> | undefined;
  const gate = new ConnectionGate(client, logger, () => {
    replayer.resetDelay();
    if (buffer.size > 0) void replayer.replay();
  });
  const sendPath = sendPathFor(client, mode, options.sendPath);
  warnOfPublicFallback(sendPath, logger);
  const send = sendAttemptFor(client, mode, sendPath, publishCommandFor(client, mode));
  const replayer = new Replayer({
    send,
    gate,
    buffer,
    hub,
    logger,
    commandTimeoutMs,
    initialDelayMs: options.replay?.initialDelayMs ?? 100,
    maxDelayMs: options.replay?.maxDelayMs ?? 5_000,
    minSubscribersOf: (address: string) => settings.ofAddress(address).minSubscribers,
    onReplayed: (entry, subscribers, acknowledged) =>
      buffered.reportReplayed(entry, subscribers, acknowledged),
    onDroppedInFlight: (entry) => buffered.reportDropped(entry),
  });
  buffered.attachReplayer(replayer);
  const lanes = new LaneScheduler({
    send,
    gate,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    commandTimeoutMs,
    hub,
    logger,
    counters,
    settingsOf: (message) => settings.ofChannel(message.channel),
    hasBuffered: (address) => buffered.hasBuffered(address),
    toBuffer: (message, reason, attempts, error) => buffered.add(message, reason, attempts, error),
  });
  // A connection of ours created with lazyConnect would never connect: nothing is ever queued to trigger it.
  if (owned && client.status === "wait") client.connect().catch(() => {});

  queueMicrotask(() => {
    buffered.flushStartupEvents();
    if (buffer.size > 0) {
      hub.emit("bufferSize", { size: buffer.size });
      // At start-up: replay what an earlier process left in the journal.
      if (gate.ready) void replayer.replay();
    }
  });

  return {
    publish: publishThrough(lanes),
    replayBufferedMessages: () => replayer.replay(),
    on: hub.on,
    off: hub.off,
    stats: () => snapshotStats(counters, lanes.inFlight, buffer, sendPath),
    close() {
      closePromise ??= closeParts({ replayer, lanes, gate, buffer, logger, client, owned });
      return closePromise;
    },
  };
}

/** Said once, at creation: the installed ioredis (or the client) does not fit the fast path. */
function warnOfPublicFallback(sendPath: SendPath, logger: PublisherLogger): void {
  if (sendPath.via === "public" && sendPath.why === "ioredis") {
    logger.warn?.("publisher: sending through ioredis's public API; the fast path does not fit", {
      reason: sendPath.reason,
    });
  }
}

/** publish(): checks and serialises the message, then hands it to its channel's lane, which settles it. */
function publishThrough(lanes: LaneScheduler): Publisher["publish"] {
  return function publish(
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
    if (lanes.closing) return Promise.reject(new PublisherClosedError(message.address));
    const result = new Promise<PublishResult>(takeCallbacks);
    const resolve = takenResolve as (result: PublishResult) => void;
    const reject = takenReject as (error: unknown) => void;
    takenResolve = takenReject = undefined; // held by the lane from here on, not by this module
    try {
      lanes.enqueue(message, resolve, reject);
    } catch (error) {
      reject(error); // as an executor's throw would
    }
    return result;
  };
}

// A publish's promise callbacks, handed out by one executor made once instead of a closure per publish.
let takenResolve: ((result: PublishResult) => void) | undefined;
let takenReject: ((error: unknown) => void) | undefined;
function takeCallbacks(resolve: (result: PublishResult) => void, reject: (error: unknown) => void): void {
  takenResolve = resolve;
  takenReject = reject;
}

interface PublisherParts {
  readonly replayer: Replayer;
  readonly lanes: LaneScheduler;
  readonly gate: ConnectionGate;
  readonly buffer: FallbackBuffer;
  readonly logger: PublisherLogger;
  readonly client: PublishConnection;
  readonly owned: boolean;
}

/** close(): stops replay, lets accepted publishes finish, then closes the buffer and a connection of ours. */
async function closeParts({
  replayer,
  lanes,
  gate,
  buffer,
  logger,
  client,
  owned,
}: PublisherParts): Promise<void> {
  const replayStopped = replayer.stop();
  // Publishes already accepted finish: their current attempt, then the buffer (or their error).
  await lanes.drain();
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

export type { BufferedEntry };
