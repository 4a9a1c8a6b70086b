// Bounded FIFO of messages that could not be published to Redis, replayed in order once Redis is back.
// With a `path` it is backed by an append-only journal so buffered messages survive a crash. It wires the
// parts: the memory queue (slot-queue.ts), start-up recovery (journal-recovery.ts: path check, lock, scan),
// the journal writer (journal-writer.ts: appends, compaction); capacity, overflow and acknowledgement
// rules are here. It never publishes anything itself and never prints: warnings go to the injected logger.
import path from "node:path";
import type { FsyncPolicy } from "../journal/journal-file.js";
import { describeError, encodeRecord } from "../journal/journal-format.js";
import type { JournalLock } from "../journal/journal-lock.js";
import { type RecoveredJournal, recoverJournal } from "../journal/journal-recovery.js";
import { JournalWriter } from "../journal/journal-writer.js";
import { type BufferedEntry, type Slot, SlotQueue } from "../queues/slot-queue.js";
import {
  AcknowledgeOutOfOrderError,
  type DropReason,
  type DurabilityState,
  type FallbackBuffer,
  FallbackBufferClosedError,
  FallbackBufferFullError,
  type FallbackBufferLogger,
  type FallbackBufferOptions,
  type JournalUnavailable,
  type OverflowPolicy,
  type RecoveryReport,
} from "./fallback-buffer-types.js";

export type { FsyncPolicy } from "../journal/journal-file.js";
export { JournalWriteError } from "../journal/journal-file.js";
export { JournalLockedError, JournalLockUnsupportedError } from "../journal/journal-lock.js";
export type { DamagedSpan, JournalDamage } from "../journal/journal-scan.js";
export * from "./fallback-buffer-types.js";

const DEFAULT_COMPACTION_THRESHOLD_BYTES = 1024 * 1024;
const SILENT_LOGGER: FallbackBufferLogger = { warn() {}, error() {} };

export function createFallbackBuffer(options: FallbackBufferOptions): FallbackBuffer {
  return new BoundedFallbackBuffer(options);
}

class BoundedFallbackBuffer implements FallbackBuffer {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  private readonly fsync: FsyncPolicy;
  private readonly logger: FallbackBufferLogger;
  private queue = new SlotQueue();
  private nextSeq = 1;
  private dropped = 0;
  private rejected = 0;
  private writer: JournalWriter | undefined;
  // Held from before the journal is read until close(), also after a write failure: the entries this buffer
  // read from the journal are in its memory, and another writer would replay them a second time.
  private lock: JournalLock | undefined;
  private state: DurabilityState = { durable: false, reason: "no-path" };
  private report: RecoveryReport | undefined;
  private isClosed = false;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: FallbackBufferOptions) {
    const { capacity } = options;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.overflow = options.overflow ?? "drop-oldest";
    this.fsync = options.fsync ?? "none";
    this.logger = options.logger ?? SILENT_LOGGER;
    if (options.path === undefined) return;
    const droppedOnLoad = this.load(path.resolve(options.path));
    // Reported after construction state is complete, so callbacks may inspect the buffer.
    for (const slot of droppedOnLoad) this.reportDrop(slot.entry, "over-capacity-on-load");
  }

  get size(): number {
    return this.queue.length;
  }
  get droppedCount(): number {
    return this.dropped;
  }
  get rejectedCount(): number {
    return this.rejected;
  }
  get durability(): DurabilityState {
    return this.state;
  }
  get recovery(): RecoveryReport | undefined {
    return this.report;
  }
  get closed(): boolean {
    return this.isClosed;
  }

  append(channel: string, payload: string): BufferedEntry {
    if (this.isClosed) throw new FallbackBufferClosedError("append");
    let evicted: Slot | undefined;
    if (this.queue.length >= this.capacity) {
      if (this.overflow === "reject-new") {
        this.rejected += 1;
        throw new FallbackBufferFullError(this.capacity, channel);
      }
      evicted = this.queue.shift();
    }
    const entry: BufferedEntry = Object.freeze({
      seq: this.nextSeq,
      channel,
      payload,
      bufferedAt: Date.now(),
    });
    this.nextSeq += 1;
    let journalBytes = 0;
    if (this.writer?.writing) {
      const line = encodeRecord({ kind: "append", ...entry });
      journalBytes = Buffer.byteLength(line);
      // The eviction travels in the same write as the new entry: still one write(2) per append.
      const drop = evicted === undefined ? "" : encodeRecord({ kind: "drop", seq: evicted.entry.seq });
      this.writer.write(drop + line, "entries");
    }
    this.queue.push({ entry, journalBytes });
    if (evicted !== undefined) {
      this.reportDrop(evicted.entry, "evicted-oldest");
      this.writer?.compactIfMostlyDead();
    }
    return entry;
  }

  oldest(): BufferedEntry | undefined {
    return this.queue.peek()?.entry;
  }

  acknowledge(seq: number): boolean {
    if (this.isClosed) throw new FallbackBufferClosedError("acknowledge");
    const oldestSeq = this.queue.peek()?.entry.seq;
    if (seq >= this.nextSeq) throw new AcknowledgeOutOfOrderError(seq, oldestSeq); // never handed out
    if (oldestSeq === undefined || seq < oldestSeq) return false;
    if (seq !== oldestSeq) throw new AcknowledgeOutOfOrderError(seq, oldestSeq);
    this.queue.shift();
    this.writer?.write(encodeRecord({ kind: "ack", seq }), "acknowledgement");
    this.writer?.compactIfMostlyDead();
    return true;
  }

  entries(): BufferedEntry[] {
    return Array.from(this.queue, (slot) => slot.entry);
  }

  close(): Promise<void> {
    this.isClosed = true;
    this.closing ??= (async () => {
      try {
        this.writer?.close();
      } finally {
        this.lock?.release();
      }
    })();
    return this.closing;
  }

  /** Takes over the journal at `journalPath`; returns the entries the capacity dropped, to be reported. */
  private load(journalPath: string): Slot[] {
    const recovered = recoverJournal(journalPath, this.fsync);
    if (!recovered.ok) {
      this.loseDurability("journal-unavailable", journalPath, recovered.cause);
      return [];
    }
    this.lock = recovered.lock;
    this.queue = recovered.queue;
    this.nextSeq = recovered.nextSeq;
    const recoveredEntries = this.queue.length;
    this.openWriter(journalPath, recovered);
    if (recovered.damage !== undefined) {
      this.logger.warn(
        "fallback buffer journal was damaged; set the damaged bytes aside, kept every valid record",
        {
          path: journalPath,
          ...recovered.damage,
          setAsidePath: recovered.setAsidePath,
        },
      );
    }
    const dropped = this.dropOverCapacity();
    this.report = {
      path: journalPath,
      recoveredEntries,
      droppedOverCapacity: dropped.length,
      damage: recovered.damage && { ...recovered.damage, setAsidePath: recovered.setAsidePath },
    };
    if (recoveredEntries > 0) {
      this.logger.info?.("fallback buffer recovered entries from its journal", {
        path: journalPath,
        recoveredEntries,
        droppedOverCapacity: dropped.length,
      });
    }
    return dropped;
  }

  private openWriter(journalPath: string, recovered: RecoveredJournal): void {
    if ("openFailure" in recovered.file) {
      this.loseDurability("journal-unavailable", journalPath, recovered.file.openFailure);
      return;
    }
    this.writer = new JournalWriter(recovered.file, {
      fsync: this.fsync,
      compactionThresholdBytes: this.options.compactionThresholdBytes ?? DEFAULT_COMPACTION_THRESHOLD_BYTES,
      queue: this.queue,
      nextSeq: () => this.nextSeq,
      warn: (message, fields) => this.logger.warn(message, fields),
      onWriteFailed: (cause) => this.loseDurability("journal-write-failed", journalPath, cause),
    });
    this.state = { durable: true, path: journalPath, fsync: this.fsync };
    if (recovered.needsRewrite) this.writer.compact(); // cuts out damage that valid records follow
  }

  // The journal may hold more than today's capacity (a smaller capacity, or reject-new entries written
  // by an older version): apply the overflow policy as if the entries had arrived now.
  private dropOverCapacity(): Slot[] {
    const excess = this.queue.length - this.capacity;
    if (excess <= 0) return [];
    const dropped: Slot[] = [];
    if (this.overflow === "drop-oldest") {
      for (let i = 0; i < excess; i++) dropped.push(this.queue.shift() as Slot);
      const last = dropped.at(-1);
      if (last !== undefined)
        this.writer?.write(encodeRecord({ kind: "drop", seq: last.entry.seq }), "entries");
    } else {
      for (let i = 0; i < excess; i++) dropped.push(this.queue.pop() as Slot);
      dropped.reverse();
      this.writer?.compact(); // a dropped tail cannot be expressed as "up to seq": rewrite the live part
    }
    this.logger.warn("fallback buffer journal holds more entries than the capacity; dropped the excess", {
      capacity: this.capacity,
      overflow: this.overflow,
      dropped: excess,
    });
    return dropped;
  }

  private reportDrop(entry: BufferedEntry, reason: DropReason): void {
    this.dropped += 1;
    try {
      this.options.onDrop?.(entry, reason);
    } catch (error) {
      this.logger.error("fallback buffer onDrop callback threw", { error: describeError(error) });
    }
  }

  private loseDurability(reason: JournalUnavailable["reason"], journalPath: string, cause: unknown): void {
    const state: JournalUnavailable = { durable: false, reason, path: journalPath, cause: asError(cause) };
    this.state = state;
    const fields = { path: journalPath, cause: describeError(cause) };
    if (reason === "journal-unavailable") {
      this.logger.warn("fallback buffer journal unavailable; memory only", fields);
    } else {
      this.logger.error("fallback buffer journal write failed; memory only from now on", fields);
    }
    try {
      this.options.onDurabilityLost?.(state);
    } catch (error) {
      this.logger.error("fallback buffer onDurabilityLost callback threw", { error: describeError(error) });
    }
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
