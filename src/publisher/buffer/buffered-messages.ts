// The publisher's side of the fallback buffer: creates it, puts given-up messages in it, counts what it
// holds per channel (newer messages queue behind) and reports buffered, dropped and replayed messages.

import { PublishError } from "../errors.js";
import type { PreparedMessage } from "../message/prepare-message.js";
import type { BufferReason, EventHub, PublisherLogger } from "../publisher-events.js";
import type { PublisherCounters } from "../publisher-stats.js";
import type { PublisherOptions, PublishResult } from "../publisher-types.js";
import { type BufferedEntry, createFallbackBuffer, type FallbackBuffer } from "./fallback-buffer.js";
import { eventIdOf } from "./replay-pass.js";
import type { Replayer } from "./replayer.js";

const DEFAULT_CAPACITY = 10_000;

export class BufferedMessages {
  readonly buffer: FallbackBuffer;
  readonly #hub: EventHub;
  readonly #logger: PublisherLogger;
  readonly #counters: PublisherCounters;
  // Buffered messages per concrete channel: while one is buffered, newer ones for it must queue behind.
  readonly #perAddress = new Map<string, number>();
  // Set once the client exists; the buffer reports drops (from loading the journal on) before that.
  #replayer: Replayer | undefined;
  // Events of the start-up (journal repaired, unusable, over capacity) wait until listeners can exist.
  #startupEvents: (() => void)[] | undefined = [];

  constructor(
    options: PublisherOptions["buffer"],
    hub: EventHub,
    logger: PublisherLogger,
    counters: PublisherCounters,
  ) {
    this.#hub = hub;
    this.#logger = logger;
    this.#counters = counters;
    this.buffer = createFallbackBuffer({
      capacity: options?.capacity ?? DEFAULT_CAPACITY,
      ...(options?.overflow === undefined ? {} : { overflow: options.overflow }),
      ...(options?.path === undefined ? {} : { path: options.path }),
      ...(options?.fsync === undefined ? {} : { fsync: options.fsync }),
      ...(options?.compactionThresholdBytes === undefined
        ? {}
        : { compactionThresholdBytes: options.compactionThresholdBytes }),
      logger: {
        warn: (message, fields) => logger.warn?.(`publisher: ${message}`, fields),
        error: (message, fields) => logger.error?.(`publisher: ${message}`, fields),
        info: (message, fields) => logger.info?.(`publisher: ${message}`, fields),
        debug: (message, fields) => logger.debug?.(`publisher: ${message}`, fields),
      },
      onDrop: (entry, reason) => {
        // Entries dropped while loading the journal were never counted.
        if (reason === "evicted-oldest") this.#count(entry.channel, -1);
        // An entry whose replay is in flight may still get through: its PUBLISH decides what to report.
        if (this.#replayer?.claimEvicted(entry) !== true) this.reportDropped(entry);
      },
      onDurabilityLost: (state) => {
        this.#emitSoon(() => hub.emit("journalUnavailable", { path: state.path, error: state.cause }));
      },
    });
    for (const entry of this.buffer.entries()) this.#count(entry.channel, 1);
    this.#reportRepair();
  }

  attachReplayer(replayer: Replayer): void {
    this.#replayer = replayer;
  }

  /** Emits the start-up events held back until listeners could be added. */
  flushStartupEvents(): void {
    const pending = this.#startupEvents ?? [];
    this.#startupEvents = undefined;
    for (const emit of pending) emit();
  }

  hasBuffered(address: string): boolean {
    return this.#perAddress.has(address);
  }

  /** Buffers a message; throws PublishError when the buffer refuses it (reject-new when full, or closed). */
  add(message: PreparedMessage, reason: BufferReason, attempts: number, error?: unknown): PublishResult {
    try {
      this.buffer.append(message.address, message.body);
    } catch (bufferError) {
      // reject-new on a full buffer (or a buffer closed under us): the message is refused, loudly.
      throw new PublishError(message.address, message.eventId, attempts, true, bufferError);
    }
    this.#count(message.address, 1);
    this.#counters.buffered += 1;
    const bufferSize = this.buffer.size;
    const { address: channel, eventId } = message;
    this.#hub.emit("buffered", {
      channel,
      eventId,
      reason,
      bufferSize,
      ...(error === undefined ? {} : { error }),
    });
    this.#hub.emit("bufferSize", { size: bufferSize });
    if (reason === "publish-failed") {
      this.#logger.warn?.("publisher: Redis unavailable, message buffered", {
        channel,
        eventId,
        bufferSize,
        error,
      });
      this.#replayer?.schedule();
    }
    return {
      status: "buffered",
      channel,
      eventId,
      reason,
      durable: this.buffer.durability.durable,
      bufferSize,
    };
  }

  reportDropped(entry: BufferedEntry): void {
    this.#counters.dropped += 1;
    const event = {
      channel: entry.channel,
      eventId: eventIdOf(entry.payload),
      droppedTotal: this.#counters.dropped,
    };
    this.#logger.warn?.("publisher: fallback buffer full, dropped a message", event);
    this.#emitSoon(() => this.#hub.emit("dropped", event));
  }

  reportReplayed(entry: BufferedEntry, subscribers: number, acknowledged: boolean): void {
    if (acknowledged) this.#count(entry.channel, -1);
    this.#counters.replayed += 1;
    const bufferSize = this.buffer.size;
    if (this.#hub.listens("replayed")) {
      const eventId = eventIdOf(entry.payload);
      this.#hub.emit("replayed", { channel: entry.channel, eventId, subscribers, bufferSize });
    }
    if (this.#hub.listens("bufferSize")) this.#hub.emit("bufferSize", { size: bufferSize });
  }

  #reportRepair(): void {
    const recovery = this.buffer.recovery;
    const damage = recovery?.damage;
    if (recovery === undefined || damage === undefined) return;
    const event = {
      path: recovery.path,
      asidePath: damage.setAsidePath,
      reason: damage.reason,
      bytes: damage.bytes,
      spans: damage.spans,
      lostSeqs: damage.lostSeqs,
    };
    this.#emitSoon(() => this.#hub.emit("journalRepaired", event));
  }

  #emitSoon(emit: () => void): void {
    if (this.#startupEvents === undefined) emit();
    else this.#startupEvents.push(emit);
  }

  #count(address: string, delta: number): void {
    const next = (this.#perAddress.get(address) ?? 0) + delta;
    if (next > 0) this.#perAddress.set(address, next);
    else this.#perAddress.delete(address);
  }
}
