// Start-up of a durable buffer: checks the path, takes the journal's lock, scans the journal, rebuilds the
// queue from its records, sets damaged bytes aside and opens the file for appending. Capacity, logging and
// reporting are the buffer's; this only says what it found.

import { SlotQueue } from "../queues/slot-queue.js";
import {
  type FsyncPolicy,
  type JournalFile,
  openJournalFile,
  readJournal,
  setDamageAside,
} from "./journal-file.js";
import { type JournalLock, lockJournal } from "./journal-lock.js";
import { prepareJournalPath } from "./journal-path.js";
import type { JournalDamage, JournalScan } from "./journal-scan.js";

export interface RecoveredJournal {
  readonly ok: true;
  /** Held until the buffer closes, also when the file could not be opened: `queue` holds its entries. */
  readonly lock: JournalLock;
  readonly queue: SlotQueue;
  readonly nextSeq: number;
  readonly damage: JournalDamage | undefined;
  readonly setAsidePath: string | undefined;
  /** The journal open for appending, or why it could not be opened. */
  readonly file: JournalFile | { readonly openFailure: unknown };
  /** Damage with valid records after it: cutting it out needs a rewrite of the live entries. */
  readonly needsRewrite: boolean;
}

/** Nothing was read: the path is unusable or another publisher holds the journal. */
export interface UnusableJournal {
  readonly ok: false;
  readonly cause: unknown;
}

export function recoverJournal(journalPath: string, fsync: FsyncPolicy): RecoveredJournal | UnusableJournal {
  let lock: JournalLock | undefined;
  let scan: JournalScan;
  try {
    prepareJournalPath(journalPath);
    lock = lockJournal(journalPath); // before reading: what another writer holds is not ours to replay
    scan = readJournal(journalPath);
  } catch (cause) {
    lock?.release();
    return { ok: false, cause };
  }
  const { queue, nextSeq } = rebuildQueue(scan);
  const damage = scan.damage;
  const onlyTail = damage?.spans.length === 1 && damage.offset + damage.bytes === scan.totalBytes;
  let setAsidePath: string | undefined;
  let file: RecoveredJournal["file"];
  try {
    // Set the bad bytes aside before cutting them out, so nothing is destroyed if we stop in between.
    if (damage !== undefined) setAsidePath = setDamageAside(journalPath, damage);
    // A damaged tail is cut off here, by truncating to the valid records before it.
    const validBytes = onlyTail ? damage.offset : scan.totalBytes;
    file = openJournalFile(journalPath, { validBytes, fsync, nextSeq });
  } catch (openFailure) {
    file = { openFailure };
  }
  const needsRewrite = damage !== undefined && !onlyTail;
  return { ok: true, lock, queue, nextSeq, damage, setAsidePath, file, needsRewrite };
}

/** The entries the journal's records leave unacknowledged, oldest first, and the next seq to hand out. */
export function rebuildQueue(scan: JournalScan): { queue: SlotQueue; nextSeq: number } {
  const queue = new SlotQueue();
  let nextSeq = 1;
  scan.records.forEach((record, index) => {
    if (record.kind === "header") {
      nextSeq = Math.max(nextSeq, record.nextSeq);
      return;
    }
    if (record.kind === "append") {
      const { kind: _, ...entry } = record;
      queue.push({ entry: Object.freeze(entry), journalBytes: scan.recordBytes[index] ?? 0 });
    } else {
      queue.shiftUpTo(record.seq); // ack or drop: every entry up to seq is gone
    }
    nextSeq = Math.max(nextSeq, record.seq + 1);
  });
  return { queue, nextSeq };
}
