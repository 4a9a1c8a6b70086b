// The journal writer and start-up recovery on a real file system: when compaction runs, what a failed
// compaction leaves, and what recovery hands the buffer.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openJournalFile, readJournal } from "../../src/publisher/journal/journal-file.js";
import { encodeRecord } from "../../src/publisher/journal/journal-format.js";
import { JournalLockedError, lockJournal } from "../../src/publisher/journal/journal-lock.js";
import { rebuildQueue, recoverJournal } from "../../src/publisher/journal/journal-recovery.js";
import { scanJournal } from "../../src/publisher/journal/journal-scan.js";
import { JournalWriter } from "../../src/publisher/journal/journal-writer.js";
import { SlotQueue } from "../../src/publisher/queues/slot-queue.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function journalPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-writer-test-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "journal");
}

/** A writer over a fresh journal, with a queue and a seq counter standing in for the buffer. */
function writerOn(file: string, compactionThresholdBytes: number) {
  const queue = new SlotQueue();
  const seen = { warnings: [] as string[], failures: [] as unknown[] };
  let nextSeq = 1;
  const writer = new JournalWriter(openJournalFile(file, { validBytes: 0, fsync: "none", nextSeq: 1 }), {
    fsync: "none",
    compactionThresholdBytes,
    queue,
    nextSeq: () => nextSeq,
    warn: (message) => seen.warnings.push(message),
    onWriteFailed: (cause) => seen.failures.push(cause),
  });
  cleanups.push(() => writer.close());
  const append = () => {
    const entry = { seq: nextSeq++, channel: "c", payload: '{"x":1}', bufferedAt: 0 };
    const line = encodeRecord({ kind: "append", ...entry });
    writer.write(line, "entries");
    queue.push({ entry, journalBytes: Buffer.byteLength(line) });
  };
  const acknowledgeOldest = () => {
    const slot = queue.shift();
    writer.write(encodeRecord({ kind: "ack", seq: slot?.entry.seq ?? 0 }), "acknowledgement");
    writer.compactIfMostlyDead();
  };
  return { writer, queue, seen, append, acknowledgeOldest };
}

describe("JournalWriter", () => {
  it("compacts only once the dead bytes pass the threshold and outweigh the live ones, keeping the live entries", () => {
    const file = journalPath();
    const { queue, append, acknowledgeOldest } = writerOn(file, 1024);
    for (let n = 0; n < 40; n++) append();
    const sizes: number[] = [];
    for (let n = 0; n < 30; n++) {
      acknowledgeOldest();
      sizes.push(fs.statSync(file).size);
    }
    const shrinks = sizes.filter((size, i) => i > 0 && size < (sizes[i - 1] ?? 0)).length;
    expect(shrinks).toBe(1); // dead bytes pass 1 KiB and the live ones once in this run
    const appends = readJournal(file).records.flatMap((r) => (r.kind === "append" ? [r.seq] : []));
    expect(appends[0]).toBeGreaterThan(1); // the rewrite left out what was acknowledged before it
    const rebuilt = rebuildQueue(readJournal(file));
    expect(Array.from(rebuilt.queue, (s) => s.entry.seq)).toEqual(Array.from(queue, (s) => s.entry.seq));
    expect(rebuilt.nextSeq).toBe(41);
  });

  it("a compaction that cannot write its temp file leaves the journal intact, warns, and keeps appending", () => {
    const file = journalPath();
    const { writer, seen, append } = writerOn(file, 1);
    append();
    const before = fs.readFileSync(file);
    freezeDirectory(path.dirname(file));
    writer.compact();
    expect(seen.warnings).toEqual([expect.stringMatching(/compaction failed; will retry later/)]);
    expect([writer.writing, seen.failures]).toEqual([true, []]);
    expect(fs.readFileSync(file)).toEqual(before);
    append();
    expect(readJournal(file).records.filter((r) => r.kind === "append")).toHaveLength(2);
  });
});

describe("recoverJournal", () => {
  it("refuses a journal another holder locked, before reading it, and holds nothing", () => {
    const file = journalPath();
    const held = lockJournal(file);
    cleanups.push(() => held.release());
    const recovered = recoverJournal(file, "none");
    expect(recovered).toMatchObject({ ok: false, cause: expect.any(JournalLockedError) });
  });

  it.each<[string, (lines: string[]) => string, boolean, number[]]>([
    ["a clean journal needs nothing", (l) => l.join(""), false, [1, 2, 3]],
    ["a damaged tail is cut off by truncation", (l) => `${l.join("")}0badc0de ["app`, false, [1, 2, 3]],
    [
      "damage with valid records after it needs a rewrite",
      (l) => [l[0], "junk\n", ...l.slice(1)].join(""),
      true,
      [1, 2, 3],
    ],
  ])("%s", (_name, damage, needsRewrite, seqs) => {
    const file = journalPath();
    const lines = [
      encodeRecord({ kind: "header", nextSeq: 1 }),
      ...[1, 2, 3].map((seq) =>
        encodeRecord({ kind: "append", seq, bufferedAt: 0, channel: "c", payload: "{}" }),
      ),
    ];
    fs.writeFileSync(file, damage(lines));
    const recovered = recoverJournal(file, "none");
    if (!recovered.ok) throw new Error("not recovered");
    cleanups.push(() => recovered.lock.release());
    if ("openFailure" in recovered.file) throw new Error("not opened");
    const opened = recovered.file;
    cleanups.push(() => opened.close());
    expect(recovered.needsRewrite).toBe(needsRewrite);
    expect(Array.from(recovered.queue, (s) => s.entry.seq)).toEqual(seqs);
    expect(recovered.nextSeq).toBe(4);
    // After a truncation the file scans clean; after mid-file damage only the rewrite will make it so.
    expect(scanJournal(fs.readFileSync(file)).damage === undefined).toBe(!needsRewrite);
  });
});

/** Makes a directory refuse new entries, also for root (chattr +i); undone after the test. */
function freezeDirectory(dir: string): void {
  fs.chmodSync(dir, 0o555);
  cleanups.push(() => fs.chmodSync(dir, 0o755)); // cleanups run newest first: after chattr -i
  if (process.getuid?.() === 0) {
    execFileSync("chattr", ["+i", dir]);
    cleanups.push(() => execFileSync("chattr", ["-i", dir]));
  }
}
