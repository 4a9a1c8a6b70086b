// The append-only journal file behind the durable fallback buffer: reading it for the start-up scan,
// setting damaged bytes aside, appending with one write(2), and atomic rewrite for compaction. Knows files
// and bytes only; the record format is journal-format.ts, the scan journal-scan.ts, and capacity, overflow
// and acknowledgement rules live in fallback-buffer.ts.
import fs from "node:fs";
import path from "node:path";
import { describeError, encodeRecord } from "./journal-format.js";
import { type JournalDamage, type JournalScan, scanJournal } from "./journal-scan.js";

export type FsyncPolicy = "always" | "none";

/** The journal could not be written; the buffer goes on in memory. */
export class JournalWriteError extends Error {
  override readonly name = "JournalWriteError";
  constructor(
    readonly path: string,
    override readonly cause: unknown,
    /** False when the file can no longer be appended to (a compaction failed after its rename). */
    readonly journalIntact: boolean,
  ) {
    super(`cannot write fallback buffer journal ${path}: ${describeError(cause)}`);
  }
}

/** Reads and scans the journal without changing anything; a missing file reads as empty. */
export function readJournal(journalPath: string): JournalScan {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(journalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return { records: [], recordBytes: [], totalBytes: 0, damage: undefined };
    }
    throw error;
  }
  return scanJournal(bytes);
}

/** Copies the damaged spans, one after another, to `<path>.corrupt-<time>[-n]` and returns that path. */
export function setDamageAside(journalPath: string, damage: JournalDamage): string {
  const aside = Buffer.alloc(damage.bytes);
  const fd = fs.openSync(journalPath, "r");
  try {
    let at = 0;
    for (const span of damage.spans) {
      fs.readSync(fd, aside, at, span.bytes, span.offset);
      at += span.bytes;
    }
  } finally {
    fs.closeSync(fd);
  }
  const stamp = new Date().toISOString().replaceAll(":", "-");
  for (let attempt = 0; ; attempt++) {
    const asidePath = `${journalPath}.corrupt-${stamp}${attempt === 0 ? "" : `-${attempt}`}`;
    try {
      fs.writeFileSync(asidePath, aside, { flag: "wx" });
      return asidePath;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

export interface JournalFile {
  readonly path: string;
  readonly sizeBytes: number;
  /** Writes the lines with one write(2) (looping only on short writes), then fdatasync if `sync`. */
  append(lines: string, sync: boolean): void;
  /** Atomically replaces the journal with these lines: temp file, fsync, rename, fsync directory. */
  rewrite(lines: string): void;
  /** fdatasync and close; safe to call twice. */
  close(): void;
}

/**
 * Opens the journal for appending after truncating it to `validBytes`; writes a header when the file is
 * empty. The path must have passed prepareJournalPath. Throws on any file-system error: the caller decides
 * to fall back to memory.
 */
export function openJournalFile(
  journalPath: string,
  options: { readonly validBytes: number; readonly fsync: FsyncPolicy; readonly nextSeq: number },
): JournalFile {
  const fd = fs.openSync(journalPath, "a");
  let sizeBytes: number;
  try {
    if (fs.fstatSync(fd).size !== options.validBytes) fs.ftruncateSync(fd, options.validBytes);
    sizeBytes = options.validBytes;
    if (sizeBytes === 0) {
      const header = Buffer.from(encodeRecord({ kind: "header", nextSeq: options.nextSeq }));
      writeFully(fd, header);
      sizeBytes = header.length;
    }
    // A new or truncated file is only durable once the data and its directory entry are on disk.
    if (options.fsync === "always") {
      fs.fdatasyncSync(fd);
      fsyncDirectory(journalPath);
    }
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  return new AppendOnlyJournal(journalPath, fd, sizeBytes);
}

class AppendOnlyJournal implements JournalFile {
  private closed = false;
  /** Set when a rewrite replaced the file but it could not be opened again: nothing can be appended. */
  private broken: unknown;

  constructor(
    readonly path: string,
    private fd: number,
    private size: number,
  ) {}

  get sizeBytes(): number {
    return this.size;
  }

  append(lines: string, sync: boolean): void {
    if (this.broken !== undefined) throw new JournalWriteError(this.path, this.broken, false);
    const bytes = Buffer.from(lines);
    try {
      writeFully(this.fd, bytes);
      if (sync) fs.fdatasyncSync(this.fd);
    } catch (error) {
      // Cut a partly written record so the file stays a valid prefix; if that fails too, start-up does it.
      try {
        fs.ftruncateSync(this.fd, this.size);
      } catch {}
      throw new JournalWriteError(this.path, error, true);
    }
    this.size += bytes.length;
  }

  rewrite(lines: string): void {
    const bytes = Buffer.from(lines);
    try {
      replaceFileSynced(this.path, bytes);
    } catch (error) {
      throw new JournalWriteError(this.path, error, true);
    }
    // The old descriptor now points at the replaced file: writing there would lose records.
    let newFd: number;
    try {
      newFd = fs.openSync(this.path, "a");
    } catch (error) {
      this.broken = error;
      throw new JournalWriteError(this.path, error, false);
    }
    fs.closeSync(this.fd);
    this.fd = newFd;
    this.size = bytes.length;
    try {
      fsyncDirectory(this.path);
    } catch (error) {
      throw new JournalWriteError(this.path, error, true);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.broken === undefined) fs.fdatasyncSync(this.fd);
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

/** Writes `bytes` to a temp file, syncs it and renames it over `target`; removes the temp file on failure. */
function replaceFileSynced(target: string, bytes: Buffer): void {
  const tempPath = `${target}.compacting`;
  try {
    const tempFd = fs.openSync(tempPath, "w");
    try {
      writeFully(tempFd, bytes);
      // Always synced, whatever the policy: a rename over the journal must never expose an empty file.
      fs.fdatasyncSync(tempFd);
    } finally {
      fs.closeSync(tempFd);
    }
    fs.renameSync(tempPath, target);
  } catch (error) {
    fs.rmSync(tempPath, { force: true });
    throw error;
  }
}

function writeFully(fd: number, bytes: Buffer): void {
  let written = 0;
  while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
}

function fsyncDirectory(filePath: string): void {
  const dirFd = fs.openSync(path.dirname(filePath), "r");
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}
