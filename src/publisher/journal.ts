// The append-only journal file behind the durable fallback buffer: record encoding with a CRC32 per line,
// start-up scan that finds where valid records end, and atomic rewrite for compaction. Knows records and
// bytes only; capacity, overflow and acknowledgement rules live in fallback-buffer.ts.
//
// File format (UTF-8, one record per line):
//   <crc32 of the JSON text, 8 lowercase hex digits> <JSON array>\n
//   ["fallback-buffer-journal",1,<nextSeq>]   header, always first; nextSeq keeps seqs rising after a rewrite
//   ["append",<seq>,<bufferedAt ms>,<channel>,<payload>]
//   ["ack",<seq>]    entries up to seq were published: do not replay them
//   ["drop",<seq>]   entries up to seq were evicted by the overflow policy
// JSON.stringify escapes newlines and lone surrogates, so a payload can never break a line or change bytes.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

export const JOURNAL_FORMAT = "fallback-buffer-journal";
export const JOURNAL_VERSION = 1;

export type JournalRecord =
  | { readonly kind: "header"; readonly nextSeq: number }
  | {
      readonly kind: "append";
      readonly seq: number;
      readonly bufferedAt: number;
      readonly channel: string;
      readonly payload: string;
    }
  | { readonly kind: "ack"; readonly seq: number }
  | { readonly kind: "drop"; readonly seq: number };

export type FsyncPolicy = "always" | "none";

/** Where and why the valid part of a journal ends. */
export interface JournalDamage {
  readonly offset: number;
  readonly reason: string;
  readonly bytes: number;
  /** Records after the damage that still carry a valid checksum: recoverable by hand from the set-aside file. */
  readonly validLookingRecordsAfter: number;
}

export interface JournalScan {
  /** Records of the valid prefix, header included. */
  readonly records: readonly JournalRecord[];
  /** Size in bytes of each record's line, parallel to `records`. */
  readonly recordBytes: readonly number[];
  readonly validBytes: number;
  readonly damage: JournalDamage | undefined;
}

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

// zlib.crc32 exists from Node 20.15 / 22.2; the table fallback keeps older Node 20 releases working.
// Strings are checksummed as their UTF-8 bytes in both.
export const crc32: (data: string | Uint8Array) => number =
  typeof zlib.crc32 === "function"
    ? (data) => zlib.crc32(data)
    : (data) => crc32Bytes(typeof data === "string" ? Buffer.from(data) : data);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32Bytes(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function encodeRecord(record: JournalRecord): string {
  const body = JSON.stringify(recordToArray(record));
  return `${crc32(body).toString(16).padStart(8, "0")} ${body}\n`;
}

function recordToArray(record: JournalRecord): unknown[] {
  switch (record.kind) {
    case "header":
      return [JOURNAL_FORMAT, JOURNAL_VERSION, record.nextSeq];
    case "append":
      return ["append", record.seq, record.bufferedAt, record.channel, record.payload];
    case "ack":
      return ["ack", record.seq];
    case "drop":
      return ["drop", record.seq];
  }
}

const NEWLINE = 0x0a;
const CRC_PREFIX_LENGTH = 9; // 8 hex digits and a space
const CRC_PATTERN = /^[0-9a-f]{8} $/;

/**
 * Reads journal bytes up to the first record that is torn, fails its checksum, is not a known record or
 * breaks the sequence rules. Everything from there on is damage, even later records that still check
 * out: an ack or append may have been lost with the bad record, so replaying past it could resend
 * acknowledged messages or leave a gap in the order. They are counted so they can be recovered by hand.
 */
export function scanJournal(bytes: Buffer): JournalScan {
  const records: JournalRecord[] = [];
  const recordBytes: number[] = [];
  let offset = 0;
  let lastSeq = 0;
  while (offset < bytes.length) {
    const end = bytes.indexOf(NEWLINE, offset);
    if (end === -1) return damaged(bytes, records, recordBytes, offset, "torn record: no line end");
    const decoded = decodeLine(bytes, offset, end);
    if (typeof decoded === "string") return damaged(bytes, records, recordBytes, offset, decoded);
    const problem = sequenceProblem(decoded, records.length === 0, lastSeq);
    if (problem !== undefined) return damaged(bytes, records, recordBytes, offset, problem);
    if (decoded.kind === "append") lastSeq = decoded.seq;
    records.push(decoded);
    recordBytes.push(end + 1 - offset);
    offset = end + 1;
  }
  return { records, recordBytes, validBytes: offset, damage: undefined };
}

function damaged(
  bytes: Buffer,
  records: JournalRecord[],
  recordBytes: number[],
  offset: number,
  reason: string,
): JournalScan {
  let validLookingRecordsAfter = 0;
  let start = bytes.indexOf(NEWLINE, offset);
  while (start !== -1) {
    const end = bytes.indexOf(NEWLINE, start + 1);
    if (end === -1) break;
    if (typeof decodeLine(bytes, start + 1, end) !== "string") validLookingRecordsAfter += 1;
    start = end;
  }
  return {
    records,
    recordBytes,
    validBytes: offset,
    damage: { offset, reason, bytes: bytes.length - offset, validLookingRecordsAfter },
  };
}

function sequenceProblem(record: JournalRecord, isFirst: boolean, lastSeq: number): string | undefined {
  if (isFirst !== (record.kind === "header")) {
    return isFirst ? "first record is not a journal header" : "header record after the start";
  }
  if (record.kind === "append" && record.seq <= lastSeq) {
    return `append seq ${record.seq} does not follow seq ${lastSeq}`;
  }
  if ((record.kind === "ack" || record.kind === "drop") && record.seq > lastSeq) {
    return `${record.kind} of seq ${record.seq} that was never appended (last seq ${lastSeq})`;
  }
  return undefined;
}

/** The record on bytes[start, end), or why it is not one. */
function decodeLine(bytes: Buffer, start: number, end: number): JournalRecord | string {
  if (end - start <= CRC_PREFIX_LENGTH) return "record too short";
  const prefix = bytes.toString("latin1", start, start + CRC_PREFIX_LENGTH);
  if (!CRC_PATTERN.test(prefix)) return "record does not start with a checksum";
  const body = bytes.subarray(start + CRC_PREFIX_LENGTH, end);
  if (crc32(body) !== Number.parseInt(prefix, 16)) return "checksum mismatch";
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return "record is not valid JSON";
  }
  return arrayToRecord(value) ?? "unknown record shape";
}

function arrayToRecord(value: unknown): JournalRecord | undefined {
  if (!Array.isArray(value)) return undefined;
  const [tag, a, b, c, d] = value as unknown[];
  if (tag === JOURNAL_FORMAT && value.length === 3 && a === JOURNAL_VERSION && isSeq(b)) {
    return { kind: "header", nextSeq: b };
  }
  if (tag === "append" && value.length === 5 && isSeq(a) && Number.isSafeInteger(b)) {
    if (typeof c === "string" && typeof d === "string") {
      return { kind: "append", seq: a, bufferedAt: b as number, channel: c, payload: d };
    }
  }
  if ((tag === "ack" || tag === "drop") && value.length === 2 && isSeq(a)) return { kind: tag, seq: a };
  return undefined;
}

function isSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

/** Reads and scans the journal without changing anything; a missing file reads as empty. */
export function readJournal(journalPath: string): JournalScan {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(journalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return { records: [], recordBytes: [], validBytes: 0, damage: undefined };
    }
    throw error;
  }
  return scanJournal(bytes);
}

/** Copies the damaged tail to `<path>.corrupt-<time>[-n]` and returns that path. */
export function setDamageAside(journalPath: string, damage: JournalDamage): string {
  const fd = fs.openSync(journalPath, "r");
  const tail = Buffer.alloc(damage.bytes);
  try {
    fs.readSync(fd, tail, 0, damage.bytes, damage.offset);
  } finally {
    fs.closeSync(fd);
  }
  const stamp = new Date().toISOString().replaceAll(":", "-");
  for (let attempt = 0; ; attempt++) {
    const asidePath = `${journalPath}.corrupt-${stamp}${attempt === 0 ? "" : `-${attempt}`}`;
    try {
      fs.writeFileSync(asidePath, tail, { flag: "wx" });
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
  let fd = fs.openSync(journalPath, "a");
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
  let closed = false;
  let broken: unknown;

  return {
    path: journalPath,
    get sizeBytes() {
      return sizeBytes;
    },
    append(lines, sync) {
      if (broken !== undefined) throw new JournalWriteError(journalPath, broken, false);
      const bytes = Buffer.from(lines);
      try {
        writeFully(fd, bytes);
        if (sync) fs.fdatasyncSync(fd);
      } catch (error) {
        // Cut a partly written record so the file stays a valid prefix; if that fails too, start-up does it.
        try {
          fs.ftruncateSync(fd, sizeBytes);
        } catch {}
        throw new JournalWriteError(journalPath, error, true);
      }
      sizeBytes += bytes.length;
    },
    rewrite(lines) {
      const tempPath = `${journalPath}.compacting`;
      const bytes = Buffer.from(lines);
      try {
        const tempFd = fs.openSync(tempPath, "w");
        try {
          writeFully(tempFd, bytes);
          // Always synced, whatever the policy: a rename over the journal must never expose an empty file.
          fs.fdatasyncSync(tempFd);
        } finally {
          fs.closeSync(tempFd);
        }
        fs.renameSync(tempPath, journalPath);
      } catch (error) {
        fs.rmSync(tempPath, { force: true });
        throw new JournalWriteError(journalPath, error, true);
      }
      // The old descriptor now points at the replaced file: writing there would lose records.
      let newFd: number;
      try {
        newFd = fs.openSync(journalPath, "a");
      } catch (error) {
        broken = error;
        throw new JournalWriteError(journalPath, error, false);
      }
      fs.closeSync(fd);
      fd = newFd;
      sizeBytes = bytes.length;
      try {
        fsyncDirectory(journalPath);
      } catch (error) {
        throw new JournalWriteError(journalPath, error, true);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        if (broken === undefined) fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    },
  };
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

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
