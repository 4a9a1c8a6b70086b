// The open journal of a durable buffer: writes records with the buffer's fsync policy and compacts the file
// by rewriting the live entries once most of it is dead. The first write that fails closes it for good and
// is reported once; the buffer then goes on in memory. The live entries are read from the buffer's queue.

import type { SlotQueue } from "../queues/slot-queue.js";
import { type FsyncPolicy, type JournalFile, JournalWriteError } from "./journal-file.js";
import { describeError, encodeRecord } from "./journal-format.js";

export interface JournalWriterOptions {
  readonly fsync: FsyncPolicy;
  /** Dead bytes that trigger a rewrite, once they also outweigh the live ones. */
  readonly compactionThresholdBytes: number;
  /** The buffer's entries (owned by the buffer) and its next seq: what a rewrite keeps. */
  readonly queue: SlotQueue;
  readonly nextSeq: () => number;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
  /** The journal can no longer be written: called once, after the file was closed. */
  readonly onWriteFailed: (cause: unknown) => void;
}

export class JournalWriter {
  private file: JournalFile | undefined;
  private compactAtDeadBytes: number;

  constructor(
    file: JournalFile,
    private readonly options: JournalWriterOptions,
  ) {
    this.file = file;
    this.compactAtDeadBytes = options.compactionThresholdBytes;
  }

  /** False once a write failed or close() ran: nothing is written any more. */
  get writing(): boolean {
    return this.file !== undefined;
  }

  /** Writes the lines with one write(2); entries are synced under fsync "always", acknowledgements never
   * (losing one to a power cut only means one more resend). */
  write(lines: string, kind: "entries" | "acknowledgement"): void {
    const file = this.file;
    if (file === undefined) return;
    try {
      file.append(lines, this.options.fsync === "always" && kind === "entries");
    } catch (error) {
      this.fail(error);
    }
  }

  /** Rewrites the journal to a header and the live entries (atomically: temp file, fsync, rename). */
  compact(): void {
    const file = this.file;
    if (file === undefined) return;
    const lines = [encodeRecord({ kind: "header", nextSeq: this.options.nextSeq() })];
    for (const slot of this.options.queue) lines.push(encodeRecord({ kind: "append", ...slot.entry }));
    try {
      file.rewrite(lines.join(""));
      this.compactAtDeadBytes = this.options.compactionThresholdBytes;
    } catch (error) {
      if (!(error instanceof JournalWriteError && error.journalIntact)) {
        this.fail(error);
        return;
      }
      // The old journal is still valid; try again once as much dead data has piled up again.
      this.compactAtDeadBytes = this.deadBytes() + this.options.compactionThresholdBytes;
      this.options.warn("fallback buffer journal compaction failed; will retry later", {
        path: file.path,
        cause: describeError(error),
      });
    }
  }

  // Amortised O(1): a rewrite costs O(live) and only runs once dead bytes exceed the live ones.
  compactIfMostlyDead(): void {
    const deadBytes = this.deadBytes();
    if (deadBytes >= this.compactAtDeadBytes && deadBytes > this.options.queue.journalBytes) this.compact();
  }

  /** fdatasync and close; safe to call twice. */
  close(): void {
    const file = this.file;
    this.file = undefined;
    file?.close();
  }

  private deadBytes(): number {
    return (this.file?.sizeBytes ?? 0) - this.options.queue.journalBytes;
  }

  private fail(error: unknown): void {
    try {
      this.file?.close();
    } catch {}
    this.file = undefined;
    this.options.onWriteFailed(error);
  }
}
