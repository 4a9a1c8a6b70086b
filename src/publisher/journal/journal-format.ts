// The journal's record format: one record per line, each with a CRC32 of its JSON text. Pure functions over
// strings and bytes; reading files and deciding what a sequence of records means live elsewhere.
//
// File format (UTF-8, one record per line):
//   <crc32 of the JSON text, 8 lowercase hex digits> <JSON array>\n
//   ["fallback-buffer-journal",1,<nextSeq>]   header, always first; nextSeq keeps seqs rising after a rewrite
//   ["append",<seq>,<bufferedAt ms>,<channel>,<payload>]
//   ["ack",<seq>]    entries up to seq were published: do not replay them
//   ["drop",<seq>]   entries up to seq were evicted by the overflow policy
// JSON.stringify escapes newlines and lone surrogates, so a payload can never break a line or change bytes.
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

export const NEWLINE = 0x0a;
const CRC_PREFIX_LENGTH = 9; // 8 hex digits and a space
const CRC_PATTERN = /^[0-9a-f]{8} $/;

/** The record on bytes[start, end) (end is the newline), or why it is not one. */
export function decodeLine(bytes: Buffer, start: number, end: number): JournalRecord | string {
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

/**
 * Where the next record that decodes starts, at or after `from`: a checksum prefix followed by "[" and a line
 * that checks out. Finds records whose line start was damaged too (a lost newline, zeros from a torn block).
 * The length of the buffer when there is none.
 */
export function nextRecordStart(bytes: Buffer, from: number): number {
  let search = from + CRC_PREFIX_LENGTH - 1;
  for (;;) {
    const bracket = bytes.indexOf(" [", search, "latin1");
    if (bracket === -1) return bytes.length;
    const start = bracket - (CRC_PREFIX_LENGTH - 1);
    const end = bytes.indexOf(NEWLINE, bracket);
    if (end === -1) return bytes.length;
    if (typeof decodeLine(bytes, start, end) !== "string") return start;
    search = bracket + 1;
  }
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

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
