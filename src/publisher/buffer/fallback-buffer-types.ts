// The fallback buffer's contract: its options, what it reports (durability, recovery) and its failure kinds.
// The behaviour is in fallback-buffer.ts.
import type { FsyncPolicy } from "../journal/journal-file.js";
import type { JournalDamage } from "../journal/journal-scan.js";
import type { BufferedEntry } from "../queues/slot-queue.js";

export type { BufferedEntry } from "../queues/slot-queue.js";

export type OverflowPolicy = "drop-oldest" | "reject-new";

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
