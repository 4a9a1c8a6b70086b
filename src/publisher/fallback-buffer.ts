// Bounded FIFO of messages that could not be published to Redis, replayed in order once Redis is back.
// With a `path` it is backed by an append-only journal (journal.ts) so buffered messages survive a crash;
// it never publishes anything itself and never prints: warnings go to the injected logger.
import path from "node:path";
import {
  type FsyncPolicy,
  type JournalFile,
  JournalWriteError,
  openJournalFile,
  readJournal,
  setDamageAside,
} from "./journal.js";
import { describeError, encodeRecord, type JournalRecord } from "./journal-format.js";
import { type JournalLock, lockJournal } from "./journal-lock.js";
import { prepareJournalPath } from "./journal-path.js";
import type { JournalDamage, JournalScan } from "./journal-scan.js";

export type { FsyncPolicy } from "./journal.js";
export { JournalWriteError } from "./journal.js";
export { JournalLockedError, JournalLockUnsupportedError } from "./journal-lock.js";
export type { DamagedSpan, JournalDamage } from "./journal-scan.js";

export type OverflowPolicy = "drop-oldest" | "reject-new";

export interface BufferedEntry {
  /** Assigned on append; strictly increasing, also across restarts with the same journal. */
  readonly seq: number;
  readonly channel: string;
  /** The exact JSON text that was to be published. */
  readonly payload: string;
  /** Date.now() at append. */
  readonly bufferedAt: number;
}

export type DropReason = "evicted-oldest" | "over-capacity-on-load";

export interface FallbackBufferLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  debug?(message: string, fields?: Record<string, unknown>): void;
}

export interface FallbackBufferOptions {
  /** Most messages held at once; a positive integer. */
  readonly capacity: number;
  /** What a full buffer does with a new message; default "drop-oldest". */
  readonly overflow?: OverflowPolicy;
  /** Journal file; when set the buffer is durable. Its directory is created if missing. */
  readonly path?: string;
  /**
   * "none" (default): an append returns once write(2) has handed the record to the kernel, which is
   * what surviving kill -9 or any crash of this process needs (~3 µs per append). "always": also
   * fdatasync every append, to survive power loss or a kernel crash, at ~200 µs per append on a fast
   * SSD (milliseconds on network disks), each one blocking the event loop. The default is "none"
   * because the buffer fills exactly when Redis is down and publishers keep publishing: a per-append
   * fsync would stall the whole service then, to protect against a host crash that Redis pub/sub
   * itself does not survive either. Compaction and close() fsync regardless.
   */
  readonly fsync?: FsyncPolicy;
  /** Dead journal bytes (acknowledged or dropped records) that trigger a rewrite; default 1 MiB. */
  readonly compactionThresholdBytes?: number;
  /** Called for every message the buffer lets go of without it being published. */
  readonly onDrop?: (entry: BufferedEntry, reason: DropReason) => void;
  /** Called when a configured journal cannot be used (at start or after a write error). */
  readonly onDurabilityLost?: (state: JournalUnavailable) => void;
  readonly logger?: FallbackBufferLogger;
}

export interface Durable {
  readonly durable: true;
  readonly path: string;
  readonly fsync: FsyncPolicy;
}
export interface MemoryOnlyByChoice {
  readonly durable: false;
  readonly reason: "no-path";
}
export interface JournalUnavailable {
  readonly durable: false;
  /**
   * "journal-unavailable": could not be locked, read or opened at start (another publisher holds it:
   * `cause` is a JournalLockedError); "journal-write-failed": a later write failed.
   */
  readonly reason: "journal-unavailable" | "journal-write-failed";
  readonly path: string;
  readonly cause: Error;
}
export type DurabilityState = Durable | MemoryOnlyByChoice | JournalUnavailable;

/** What start-up found in the journal. */
export interface RecoveryReport {
  readonly path: string;
  /** Unacknowledged entries found, before the capacity was applied. */
  readonly recoveredEntries: number;
  readonly droppedOverCapacity: number;
  /** Set when the journal had torn or corrupt records: those bytes were set aside, every valid record kept. */
  readonly damage: (JournalDamage & { readonly setAsidePath: string | undefined }) | undefined;
}

export interface FallbackBuffer {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  readonly size: number;
  /** Messages dropped by the overflow policy since this buffer was created (drop-oldest and at load). */
  readonly droppedCount: number;
  /** Messages refused with FallbackBufferFullError (reject-new). */
  readonly rejectedCount: number;
  readonly durability: DurabilityState;
  /** Undefined without a path or when the journal could not be read. */
  readonly recovery: RecoveryReport | undefined;
  readonly closed: boolean;
  /**
   * Buffers a message and returns its entry; in durable mode the record has been written when this
   * returns. When full: drop-oldest evicts the oldest entry (reported to onDrop), reject-new throws
   * FallbackBufferFullError.
   */
  append(channel: string, payload: string): BufferedEntry;
  /** The next entry to replay, without removing it. */
  oldest(): BufferedEntry | undefined;
  /**
   * Removes the oldest entry after it was published. Returns false when that entry is already gone
   * (dropped by overflow while it was being published); throws AcknowledgeOutOfOrderError if `seq`
   * is not the oldest entry, because replay must go in order.
   */
  acknowledge(seq: number): boolean;
  /** A snapshot in FIFO order: acknowledging while iterating it is safe. */
  entries(): BufferedEntry[];
  /** Syncs and closes the journal; later calls return the same promise. */
  close(): Promise<void>;
}

/** append() on a full buffer whose overflow policy is reject-new: the message was not buffered. */
export class FallbackBufferFullError extends Error {
  override readonly name = "FallbackBufferFullError";
  constructor(
    readonly capacity: number,
    readonly channel: string,
  ) {
    super(`fallback buffer is full (${capacity} messages); message for ${channel} rejected`);
  }
}

/** append() or acknowledge() after close(). */
export class FallbackBufferClosedError extends Error {
  override readonly name = "FallbackBufferClosedError";
  constructor(readonly operation: "append" | "acknowledge") {
    super(`fallback buffer is closed; cannot ${operation}`);
  }
}

/** acknowledge() of an entry that is not the oldest: replay skipped a message or the seq is wrong. */
export class AcknowledgeOutOfOrderError extends Error {
  override readonly name = "AcknowledgeOutOfOrderError";
  constructor(
    readonly seq: number,
    readonly oldestSeq: number | undefined,
  ) {
    super(`cannot acknowledge seq ${seq}: the oldest buffered entry is ${oldestSeq ?? "none"}`);
  }
}

const DEFAULT_COMPACTION_THRESHOLD_BYTES = 1024 * 1024;
const SILENT_LOGGER: FallbackBufferLogger = { warn() {}, error() {} };

interface Slot {
  readonly entry: BufferedEntry;
  /** Length of the entry's journal line, to know how much of the file is dead. */
  readonly journalBytes: number;
}

export function createFallbackBuffer(options: FallbackBufferOptions): FallbackBuffer {
  const { capacity } = options;
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }
  const overflow = options.overflow ?? "drop-oldest";
  const fsync = options.fsync ?? "none";
  const compactionThresholdBytes = options.compactionThresholdBytes ?? DEFAULT_COMPACTION_THRESHOLD_BYTES;
  const logger = options.logger ?? SILENT_LOGGER;

  const queue = new SlotQueue();
  let nextSeq = 1;
  let droppedCount = 0;
  let rejectedCount = 0;
  let journal: JournalFile | undefined;
  // Held from before the journal is read until close(), also after a write failure: the entries this buffer
  // read from the journal are in its memory, and another writer would replay them a second time.
  let lock: JournalLock | undefined;
  let durability: DurabilityState = { durable: false, reason: "no-path" };
  let recovery: RecoveryReport | undefined;
  let liveJournalBytes = 0;
  let compactAtDeadBytes = compactionThresholdBytes;
  let closed = false;
  let closing: Promise<void> | undefined;
  const pendingDrops: Slot[] = [];

  function reportDrop(entry: BufferedEntry, reason: DropReason): void {
    droppedCount += 1;
    try {
      options.onDrop?.(entry, reason);
    } catch (error) {
      logger.error("fallback buffer onDrop callback threw", { error: describeError(error) });
    }
  }

  function loseDurability(reason: JournalUnavailable["reason"], journalPath: string, cause: unknown): void {
    if (journal !== undefined) {
      try {
        journal.close();
      } catch {}
      journal = undefined;
    }
    const state: JournalUnavailable = { durable: false, reason, path: journalPath, cause: asError(cause) };
    durability = state;
    const fields = { path: journalPath, cause: describeError(cause) };
    if (reason === "journal-unavailable") {
      logger.warn("fallback buffer journal unavailable; memory only", fields);
    } else {
      logger.error("fallback buffer journal write failed; memory only from now on", fields);
    }
    try {
      options.onDurabilityLost?.(state);
    } catch (error) {
      logger.error("fallback buffer onDurabilityLost callback threw", { error: describeError(error) });
    }
  }

  // Acknowledgements are never synced: losing one to a power cut only means one more resend.
  function writeJournal(lines: string, kind: "entries" | "acknowledgement"): void {
    if (journal === undefined) return;
    try {
      journal.append(lines, fsync === "always" && kind === "entries");
    } catch (error) {
      loseDurability("journal-write-failed", journal.path, error);
    }
  }

  function appendRecordOf(entry: BufferedEntry): JournalRecord {
    return { kind: "append", ...entry };
  }

  function compact(): void {
    if (journal === undefined) return;
    const lines = [encodeRecord({ kind: "header", nextSeq })];
    for (const slot of queue) lines.push(encodeRecord(appendRecordOf(slot.entry)));
    try {
      journal.rewrite(lines.join(""));
      compactAtDeadBytes = compactionThresholdBytes;
    } catch (error) {
      if (error instanceof JournalWriteError && error.journalIntact) {
        // The old journal is still valid; try again once as much dead data has piled up again.
        compactAtDeadBytes = journal.sizeBytes - liveJournalBytes + compactionThresholdBytes;
        logger.warn("fallback buffer journal compaction failed; will retry later", {
          path: journal.path,
          cause: describeError(error),
        });
      } else {
        loseDurability("journal-write-failed", journal.path, error);
      }
    }
  }

  // Amortised O(1): a rewrite costs O(live) and only runs once dead bytes exceed the live ones.
  function compactIfMostlyDead(): void {
    if (journal === undefined) return;
    const deadBytes = journal.sizeBytes - liveJournalBytes;
    if (deadBytes >= compactAtDeadBytes && deadBytes > liveJournalBytes) compact();
  }

  function removeOldestSlot(): Slot | undefined {
    const slot = queue.shift();
    if (slot !== undefined) liveJournalBytes -= slot.journalBytes;
    return slot;
  }

  function loadJournal(journalPath: string): void {
    let scan: JournalScan;
    try {
      prepareJournalPath(journalPath);
      lock = lockJournal(journalPath);
      scan = readJournal(journalPath);
    } catch (error) {
      lock?.release();
      lock = undefined;
      loseDurability("journal-unavailable", journalPath, error);
      return;
    }
    rebuildFrom(scan);
    const recoveredEntries = queue.length;

    const damage = scan.damage;
    let setAsidePath: string | undefined;
    try {
      // Set the bad bytes aside before cutting them out, so nothing is destroyed if we stop in between.
      if (damage !== undefined) setAsidePath = setDamageAside(journalPath, damage);
      // A damaged tail is cut off; damage with valid records after it needs the live records rewritten.
      const onlyTail = damage?.spans.length === 1 && damage.offset + damage.bytes === scan.totalBytes;
      const validBytes = onlyTail ? damage.offset : scan.totalBytes;
      journal = openJournalFile(journalPath, { validBytes, fsync, nextSeq });
      durability = { durable: true, path: journalPath, fsync };
      if (damage !== undefined && !onlyTail) compact();
    } catch (error) {
      loseDurability("journal-unavailable", journalPath, error);
    }
    if (damage !== undefined) {
      logger.warn(
        "fallback buffer journal was damaged; set the damaged bytes aside and kept every valid record",
        {
          path: journalPath,
          ...damage,
          setAsidePath,
        },
      );
    }

    const droppedOverCapacity = Math.max(0, queue.length - capacity);
    if (droppedOverCapacity > 0) dropOverCapacity(droppedOverCapacity);
    recovery = {
      path: journalPath,
      recoveredEntries,
      droppedOverCapacity,
      damage: scan.damage === undefined ? undefined : { ...scan.damage, setAsidePath },
    };
    if (recoveredEntries > 0) {
      logger.info?.("fallback buffer recovered entries from its journal", {
        path: journalPath,
        recoveredEntries,
        droppedOverCapacity,
      });
    }
  }

  function rebuildFrom(scan: JournalScan): void {
    scan.records.forEach((record, index) => {
      switch (record.kind) {
        case "header":
          nextSeq = Math.max(nextSeq, record.nextSeq);
          break;
        case "append": {
          const { kind: _, ...entry } = record;
          const journalBytes = scan.recordBytes[index] ?? 0;
          queue.push({ entry: Object.freeze(entry), journalBytes });
          liveJournalBytes += journalBytes;
          nextSeq = Math.max(nextSeq, record.seq + 1);
          break;
        }
        case "ack":
        case "drop":
          while ((queue.peek()?.entry.seq ?? Number.POSITIVE_INFINITY) <= record.seq) removeOldestSlot();
          break;
      }
    });
  }

  // The journal may hold more than today's capacity (a smaller capacity, or reject-new entries written
  // by an older version): apply the overflow policy as if the entries had arrived now.
  function dropOverCapacity(excess: number): void {
    if (overflow === "drop-oldest") {
      for (let i = 0; i < excess; i++) {
        const slot = removeOldestSlot();
        if (slot !== undefined) pendingDrops.push(slot);
      }
      const lastDropped = pendingDrops.at(-1);
      if (lastDropped !== undefined)
        writeJournal(encodeRecord({ kind: "drop", seq: lastDropped.entry.seq }), "entries");
    } else {
      const newest: Slot[] = [];
      for (let i = 0; i < excess; i++) {
        const slot = queue.pop();
        if (slot === undefined) break;
        liveJournalBytes -= slot.journalBytes;
        newest.push(slot);
      }
      pendingDrops.push(...newest.reverse());
      compact(); // a dropped tail cannot be expressed as "up to seq": rewrite the live part
    }
    logger.warn("fallback buffer journal holds more entries than the capacity; dropped the excess", {
      capacity,
      overflow,
      dropped: excess,
    });
  }

  if (options.path !== undefined) loadJournal(path.resolve(options.path));
  // Reported after construction state is complete, so callbacks may inspect the buffer.
  for (const slot of pendingDrops.splice(0)) reportDrop(slot.entry, "over-capacity-on-load");

  return {
    capacity,
    overflow,
    get size() {
      return queue.length;
    },
    get droppedCount() {
      return droppedCount;
    },
    get rejectedCount() {
      return rejectedCount;
    },
    get durability() {
      return durability;
    },
    get recovery() {
      return recovery;
    },
    get closed() {
      return closed;
    },

    append(channel, payload) {
      if (closed) throw new FallbackBufferClosedError("append");
      let evicted: Slot | undefined;
      if (queue.length >= capacity) {
        if (overflow === "reject-new") {
          rejectedCount += 1;
          throw new FallbackBufferFullError(capacity, channel);
        }
        evicted = removeOldestSlot();
      }
      const entry: BufferedEntry = Object.freeze({ seq: nextSeq, channel, payload, bufferedAt: Date.now() });
      nextSeq += 1;
      const line = encodeRecord(appendRecordOf(entry));
      const journalBytes = Buffer.byteLength(line);
      // The eviction travels in the same write as the new entry: still one write(2) per append.
      writeJournal(
        evicted === undefined ? line : encodeRecord({ kind: "drop", seq: evicted.entry.seq }) + line,
        "entries",
      );
      queue.push({ entry, journalBytes });
      liveJournalBytes += journalBytes;
      if (evicted !== undefined) {
        reportDrop(evicted.entry, "evicted-oldest");
        compactIfMostlyDead();
      }
      return entry;
    },

    oldest() {
      return queue.peek()?.entry;
    },

    acknowledge(seq) {
      if (closed) throw new FallbackBufferClosedError("acknowledge");
      const oldestSeq = queue.peek()?.entry.seq;
      if (seq >= nextSeq) throw new AcknowledgeOutOfOrderError(seq, oldestSeq); // never handed out
      if (oldestSeq === undefined || seq < oldestSeq) return false;
      if (seq !== oldestSeq) throw new AcknowledgeOutOfOrderError(seq, oldestSeq);
      removeOldestSlot();
      writeJournal(encodeRecord({ kind: "ack", seq }), "acknowledgement");
      compactIfMostlyDead();
      return true;
    },

    entries() {
      return Array.from(queue, (slot) => slot.entry);
    },

    close() {
      closed = true;
      closing ??= (async () => {
        const open = journal;
        journal = undefined;
        try {
          open?.close();
        } finally {
          lock?.release();
          lock = undefined;
        }
      })();
      return closing;
    },
  };
}

/** FIFO with O(1) amortised push/shift: a moving head over an array that is trimmed now and then. */
class SlotQueue implements Iterable<Slot> {
  private slots: (Slot | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.slots.length - this.head;
  }

  push(slot: Slot): void {
    this.slots.push(slot);
  }

  peek(): Slot | undefined {
    return this.slots[this.head];
  }

  shift(): Slot | undefined {
    const slot = this.slots[this.head];
    if (slot === undefined) return undefined;
    this.slots[this.head] = undefined; // let the entry be collected
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
    return slot;
  }

  pop(): Slot | undefined {
    if (this.length === 0) return undefined;
    return this.slots.pop();
  }

  *[Symbol.iterator](): Iterator<Slot> {
    for (let i = this.head; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (slot !== undefined) yield slot;
    }
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
