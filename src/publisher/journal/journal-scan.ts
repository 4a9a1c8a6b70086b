// The start-up scan of a journal: which records are valid, which byte spans are damaged, and which buffered
// messages the damage lost. A damaged span ends at the next record that checks out, so one bad record never
// costs the valid ones after it. Reads bytes only; the buffer decides what to do with the result.
import { decodeLine, type JournalRecord, NEWLINE, nextRecordStart } from "./journal-format.js";

/** Bytes of the journal that are not a valid record, or a valid record that breaks the sequence. */
export interface DamagedSpan {
  readonly offset: number;
  readonly bytes: number;
  readonly reason: string;
}

/** What the scan set aside. `offset` and `reason` are the first span's. */
export interface JournalDamage {
  readonly offset: number;
  readonly reason: string;
  /** Damaged bytes in all: the size of the set-aside file, which holds the spans one after another. */
  readonly bytes: number;
  readonly spans: readonly DamagedSpan[];
  /**
   * Seqs of buffered messages the damage lost, where known: missing between the valid appends around a
   * span, or legible in its bytes, and not acknowledged or dropped by a later valid record. A lost message
   * after the last valid append whose record start is unreadable cannot be counted.
   */
  readonly lostSeqs: readonly number[];
}

export interface JournalScan {
  /** The valid records, in file order, header included when it survived. */
  readonly records: readonly JournalRecord[];
  /** Size in bytes of each record's line, parallel to `records`. */
  readonly recordBytes: readonly number[];
  readonly totalBytes: number;
  readonly damage: JournalDamage | undefined;
}

/**
 * Reads every record that checks out. A record that is torn, fails its checksum or is not a known record
 * makes a damaged span that runs to the next valid record. A valid record that breaks the sequence (a
 * header after the start, an append whose seq does not rise, an ack of a seq never appended) is one span
 * by itself. After a span, an ack or drop beyond the last seen append is accepted: the appends it
 * covers may have been in the span.
 */
export function scanJournal(bytes: Buffer): JournalScan {
  const scan = new ScanState();
  let offset = 0;
  while (offset < bytes.length) {
    const end = bytes.indexOf(NEWLINE, offset);
    const decoded = end === -1 ? "torn record: no line end" : decodeLine(bytes, offset, end);
    if (typeof decoded === "string") {
      const next = nextRecordStart(bytes, offset + 1);
      scan.damaged(bytes, offset, next, decoded);
      offset = next;
      continue;
    }
    const problem = scan.sequenceProblem(decoded);
    if (problem === undefined) scan.accept(decoded, end + 1 - offset);
    else scan.damaged(bytes, offset, end + 1, problem);
    offset = end + 1;
  }
  return scan.result(bytes.length);
}

const LEGIBLE_APPEND = /[0-9a-f]{8} \["append",(\d+),/g;

class ScanState {
  readonly records: JournalRecord[] = [];
  readonly recordBytes: number[] = [];
  private readonly spans: DamagedSpan[] = [];
  private readonly candidateLost = new Set<number>();
  /** Append seqs legible in spans since the last valid append; a flipped digit must not invent a loss. */
  private legibleSinceAppend: number[] = [];
  /** Highest seq an append, ack or drop has vouched for: appends must rise above it. */
  private lastSeq = 0;
  private lastAppendSeq: number | undefined;
  /** Set by a span until the next valid append: the last append seq before it. */
  private gapAfterSeq: number | undefined;
  private damageSinceAppend = false;
  /** Every seq up to this one was acknowledged or dropped by a valid record. */
  private settledUpTo = 0;

  sequenceProblem(record: JournalRecord): string | undefined {
    switch (record.kind) {
      case "header":
        return this.records.length === 0 ? undefined : "header record after the start";
      case "append":
        return record.seq > this.lastSeq
          ? undefined
          : `append seq ${record.seq} does not follow seq ${this.lastSeq}`;
      case "ack":
      case "drop":
        if (record.seq <= this.lastSeq || this.damageSinceAppend) return undefined;
        return `${record.kind} of seq ${record.seq} that was never appended (last seq ${this.lastSeq})`;
    }
  }

  accept(record: JournalRecord, lineBytes: number): void {
    this.records.push(record);
    this.recordBytes.push(lineBytes);
    if (record.kind === "append") {
      if (this.damageSinceAppend) this.closeGap(record.seq);
      this.lastAppendSeq = record.seq;
    } else if (record.kind === "ack" || record.kind === "drop") {
      this.settledUpTo = Math.max(this.settledUpTo, record.seq);
    }
    if (record.kind !== "header") this.lastSeq = Math.max(this.lastSeq, record.seq);
  }

  /** The first valid append after damage: seqs between it and the last one before are candidates. */
  private closeGap(seq: number): void {
    if (this.gapAfterSeq !== undefined) {
      for (let missing = this.gapAfterSeq + 1; missing < seq; missing++) this.candidateLost.add(missing);
      this.gapAfterSeq = undefined;
    }
    for (const legible of this.legibleSinceAppend) if (legible < seq) this.candidateLost.add(legible);
    this.legibleSinceAppend = [];
    this.damageSinceAppend = false;
  }

  damaged(bytes: Buffer, start: number, end: number, reason: string): void {
    const last = this.spans.at(-1);
    // Adjacent spans are one: a bad line followed by a record out of sequence is set aside as one piece.
    if (last !== undefined && last.offset + last.bytes === start) {
      this.spans[this.spans.length - 1] = { ...last, bytes: end - last.offset };
    } else {
      this.spans.push({ offset: start, bytes: end - start, reason });
    }
    // Without an append before it, nothing says where the missing seqs would start.
    if (this.lastAppendSeq !== undefined) this.gapAfterSeq ??= this.lastAppendSeq;
    this.damageSinceAppend = true;
    for (const match of bytes.toString("latin1", start, end).matchAll(LEGIBLE_APPEND)) {
      const seq = Number(match[1]);
      if (Number.isSafeInteger(seq) && seq > (this.lastAppendSeq ?? 0)) this.legibleSinceAppend.push(seq);
    }
  }

  result(totalBytes: number): JournalScan {
    const { records, recordBytes, spans } = this;
    const first = spans[0];
    if (first === undefined) return { records, recordBytes, totalBytes, damage: undefined };
    for (const seq of this.legibleSinceAppend) this.candidateLost.add(seq); // in a damaged tail
    const kept = new Set(records.flatMap((record) => (record.kind === "append" ? [record.seq] : [])));
    const lostSeqs = [...this.candidateLost].filter((seq) => seq > this.settledUpTo && !kept.has(seq));
    const bytes = spans.reduce((sum, span) => sum + span.bytes, 0);
    const damage = {
      offset: first.offset,
      reason: first.reason,
      bytes,
      spans,
      lostSeqs: lostSeqs.sort((x, y) => x - y),
    };
    return { records, recordBytes, totalBytes, damage };
  }
}
