// The fallback buffer's contract: bounded FIFO with exact drop accounting, and a journal that survives
// close, kill -9 and a full disk, repairs torn or corrupt files and never takes the process down.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AcknowledgeOutOfOrderError,
  type BufferedEntry,
  createFallbackBuffer,
  type DropReason,
  type FallbackBuffer,
  FallbackBufferClosedError,
  type FallbackBufferFullError,
  type FallbackBufferLogger,
  type FallbackBufferOptions,
  type OverflowPolicy,
} from "../../src/publisher/buffer/fallback-buffer.js";
import { crc32Bytes, encodeRecord, type JournalRecord } from "../../src/publisher/journal/journal-format.js";
import { WRITER_CHANNEL, writerPayload } from "../support/buffer-writer.js";
import type { OpenedOn } from "../support/open-buffer-on.js";
import { makeUnwritableDir } from "../support/publisher-fixtures.js";

const WRITER_SCRIPT = path.resolve(import.meta.dirname, "../support/buffer-writer.ts");
const OPEN_BUFFER_SCRIPT = path.resolve(import.meta.dirname, "../support/open-buffer-on.ts");
/** Far beyond what opening a few buffers takes: reaching it means a path made the buffer hang. */
const CHILD_DEADLINE_MS = 30_000;
const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

const tempDirs: string[] = [];
const releases: Array<() => void> = [];
const openBuffers: FallbackBuffer[] = [];
afterEach(async () => {
  await Promise.all(openBuffers.splice(0).map((buffer) => buffer.close().catch(() => {})));
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fallback-buffer-test-"));
  tempDirs.push(dir);
  return dir;
}

function journalPath(): string {
  return path.join(tempDir(), "journal.log");
}

interface Recorded {
  drops: Array<{ seq: number; reason: DropReason }>;
  warnings: Array<{ message: string; fields: Record<string, unknown> | undefined }>;
  errors: string[];
}

/** A buffer whose drops and log lines are recorded; closed after the test. */
function open(options: FallbackBufferOptions): { buffer: FallbackBuffer; seen: Recorded } {
  const seen: Recorded = { drops: [], warnings: [], errors: [] };
  const logger: FallbackBufferLogger = {
    warn: (message, fields) => seen.warnings.push({ message, fields }),
    error: (message) => seen.errors.push(message),
  };
  const buffer = createFallbackBuffer({
    logger,
    onDrop: (entry, reason) => seen.drops.push({ seq: entry.seq, reason }),
    ...options,
  });
  openBuffers.push(buffer);
  return { buffer, seen };
}

async function reopen(options: FallbackBufferOptions): Promise<{ buffer: FallbackBuffer; seen: Recorded }> {
  await Promise.all(openBuffers.splice(0).map((buffer) => buffer.close()));
  return open(options);
}

function seqs(buffer: FallbackBuffer): number[] {
  return buffer.entries().map((entry) => entry.seq);
}

function appendMany(buffer: FallbackBuffer, count: number): BufferedEntry[] {
  return Array.from({ length: count }, (_, i) => buffer.append(`channel.${i % 3}`, JSON.stringify({ n: i })));
}

/** The journal's lines, each with its newline. */
function journalLines(file: string): string[] {
  return (fs.readFileSync(file, "utf8").match(/[^\n]*\n/g) ?? []) as string[];
}

function setAsideFiles(file: string): string[] {
  const dir = path.dirname(file);
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(`${path.basename(file)}.corrupt-`))
    .map((name) => path.join(dir, name));
}

const modes: Array<[string, () => Partial<FallbackBufferOptions>]> = [
  ["in memory", () => ({})],
  ["durable", () => ({ path: journalPath() })],
];

describe.each(modes)("fallback buffer %s", (_mode, storage) => {
  it("hands entries back in FIFO order with increasing seqs", () => {
    const { buffer } = open({ capacity: 10, ...storage() });
    const appended = [
      buffer.append("a", '{"n":1}'),
      buffer.append("b", '{"n":2}'),
      buffer.append("a", '{"n":3}'),
    ];
    expect(appended.map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(buffer.entries()).toEqual(appended);
    expect(buffer.oldest()).toEqual(appended[0]);
    expect(buffer.size).toBe(3);
  });

  it("acknowledge removes only the oldest entry, and iterating a snapshot while acknowledging is safe", () => {
    const { buffer } = open({ capacity: 10, ...storage() });
    appendMany(buffer, 4);
    for (const entry of buffer.entries()) {
      if (entry.seq > 2) break;
      expect(buffer.acknowledge(entry.seq)).toBe(true);
    }
    expect(seqs(buffer)).toEqual([3, 4]);
  });

  it("drop-oldest evicts exactly the overflow, counts it and reports each evicted entry in order", () => {
    const { buffer, seen } = open({ capacity: 3, ...storage() });
    appendMany(buffer, 10);
    expect(seqs(buffer)).toEqual([8, 9, 10]);
    expect(buffer.droppedCount).toBe(7);
    expect(seen.drops).toEqual([1, 2, 3, 4, 5, 6, 7].map((seq) => ({ seq, reason: "evicted-oldest" })));
  });

  it("reject-new refuses the message with FallbackBufferFullError and keeps the buffer as it was", () => {
    const { buffer, seen } = open({ capacity: 2, overflow: "reject-new", ...storage() });
    appendMany(buffer, 2);
    let error: unknown;
    try {
      buffer.append("signals.generated", "{}");
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      name: "FallbackBufferFullError",
      capacity: 2,
      channel: "signals.generated",
    });
    expect((error as FallbackBufferFullError).message).toMatch(/full/);
    expect(seqs(buffer)).toEqual([1, 2]);
    expect([buffer.rejectedCount, buffer.droppedCount, seen.drops.length]).toEqual([1, 0, 0]);
    buffer.acknowledge(1);
    expect(buffer.append("signals.generated", "{}").seq).toBe(3);
  });

  it.each<[string, (buffer: FallbackBuffer) => unknown, unknown]>([
    ["an entry already evicted returns false", (b) => b.acknowledge(1), false],
    ["an entry behind the oldest throws", (b) => b.acknowledge(4), AcknowledgeOutOfOrderError],
    ["a seq never handed out throws", (b) => b.acknowledge(99), AcknowledgeOutOfOrderError],
  ])("acknowledge of %s", (_name, act, want) => {
    const { buffer } = open({ capacity: 2, ...storage() });
    appendMany(buffer, 4); // 1 and 2 evicted, 3 and 4 buffered
    if (want === AcknowledgeOutOfOrderError) expect(() => act(buffer)).toThrow(AcknowledgeOutOfOrderError);
    else expect(act(buffer)).toBe(want);
    expect(seqs(buffer)).toEqual([3, 4]);
  });

  it("close() returns the same promise every time, and mutations afterwards throw FallbackBufferClosedError", async () => {
    const { buffer } = open({ capacity: 2, ...storage() });
    buffer.append("a", "{}");
    const first = buffer.close();
    expect(buffer.close()).toBe(first);
    await first;
    expect(buffer.closed).toBe(true);
    expect(() => buffer.append("a", "{}")).toThrow(FallbackBufferClosedError);
    expect(() => buffer.acknowledge(1)).toThrow(FallbackBufferClosedError);
    expect(seqs(buffer)).toEqual([1]);
  });
});

describe("fallback buffer options", () => {
  it.each([0, -1, 1.5, Number.NaN])("refuses capacity %s", (capacity) => {
    expect(() => createFallbackBuffer({ capacity })).toThrow(RangeError);
  });

  it("reports memory-only by choice when no path is given", () => {
    const { buffer } = open({ capacity: 1 });
    expect(buffer.durability).toEqual({ durable: false, reason: "no-path" });
    expect(buffer.recovery).toBeUndefined();
  });
});

describe("durable fallback buffer", () => {
  it("keeps unacknowledged entries byte for byte across close and reopen, and continues the seqs", async () => {
    const file = journalPath();
    const awkward = ['{"text":"line\\nbreak"}', '{"quote":"\\"","emoji":"📈"}', "\ud800 lone surrogate", ""];
    const first = open({ capacity: 10, path: file });
    expect(first.buffer.durability).toEqual({ durable: true, path: file, fsync: "none" });
    const written = awkward.map((payload, i) => first.buffer.append(`price.updated.${i}`, payload));
    first.buffer.acknowledge(1);

    const { buffer } = await reopen({ capacity: 10, path: file });
    expect(buffer.entries()).toEqual(written.slice(1));
    expect(buffer.recovery).toEqual({
      path: file,
      recoveredEntries: 3,
      droppedOverCapacity: 0,
      damage: undefined,
    });
    expect(buffer.append("a", "{}").seq).toBe(5);
  });

  it("remembers acknowledgements and evictions, so a reopen neither replays nor re-reports them", async () => {
    const file = journalPath();
    const first = open({ capacity: 3, path: file });
    appendMany(first.buffer, 5); // 1 and 2 evicted
    first.buffer.acknowledge(3);

    const { buffer, seen } = await reopen({ capacity: 3, path: file });
    expect(seqs(buffer)).toEqual([4, 5]);
    expect([buffer.droppedCount, seen.drops.length]).toEqual([0, 0]);
  });

  it("fsync 'always' keeps the same contract", async () => {
    const file = journalPath();
    const first = open({ capacity: 3, path: file, fsync: "always" });
    expect(first.buffer.durability).toEqual({ durable: true, path: file, fsync: "always" });
    appendMany(first.buffer, 3);
    first.buffer.acknowledge(1);
    const { buffer } = await reopen({ capacity: 3, path: file, fsync: "always" });
    expect(seqs(buffer)).toEqual([2, 3]);
  });

  it("creates missing directories for the journal", () => {
    const file = path.join(tempDir(), "nested", "deeper", "journal.log");
    const { buffer } = open({ capacity: 1, path: file });
    expect(buffer.durability.durable).toBe(true);
    expect(fs.existsSync(file)).toBe(true);
  });

  describe("capacity applies to what the journal holds at start-up", () => {
    it.each<[OverflowPolicy, number[], number[]]>([
      ["drop-oldest", [3, 4, 5], [1, 2]],
      ["reject-new", [1, 2, 3], [4, 5]],
    ])("%s keeps %j and reports %j as dropped, once", async (overflow, kept, dropped) => {
      const file = journalPath();
      appendMany(open({ capacity: 10, path: file }).buffer, 5);

      const second = await reopen({ capacity: 3, overflow, path: file });
      expect(seqs(second.buffer)).toEqual(kept);
      expect(second.seen.drops).toEqual(dropped.map((seq) => ({ seq, reason: "over-capacity-on-load" })));
      expect(second.buffer.droppedCount).toBe(2);
      expect(second.buffer.recovery).toMatchObject({ recoveredEntries: 5, droppedOverCapacity: 2 });

      const third = await reopen({ capacity: 3, overflow, path: file });
      expect(seqs(third.buffer)).toEqual(kept);
      expect(third.seen.drops).toEqual([]);
      third.buffer.acknowledge(kept[0] ?? 0);
      expect(third.buffer.append("a", "{}").seq).toBe(6); // seqs never go back, even for dropped ones
    });
  });

  it("compaction rewrites the journal to the live entries once most of it is dead, keeping their order", async () => {
    const file = journalPath();
    const { buffer } = open({ capacity: 1000, path: file, compactionThresholdBytes: 4096 });
    const written = appendMany(buffer, 200);
    const fullSize = fs.statSync(file).size;
    for (const entry of written.slice(0, 150)) buffer.acknowledge(entry.seq);

    const lines = journalLines(file);
    expect(fs.statSync(file).size).toBeLessThan(fullSize / 2);
    // Only live appends and acks written after the last rewrite remain; the header carries the next seq.
    expect(lines[0]).toBe(encodeRecord({ kind: "header", nextSeq: 201 }));
    expect(lines.filter((line) => line.includes('["append"')).length).toBeLessThan(100);

    const reopened = await reopen({ capacity: 1000, path: file });
    expect(reopened.buffer.entries()).toEqual(written.slice(150));
    expect(reopened.buffer.recovery?.damage).toBeUndefined();
  });

  it("a drained buffer compacts down to the header and still continues the seqs after reopen", async () => {
    const file = journalPath();
    const { buffer } = open({ capacity: 100, path: file, compactionThresholdBytes: 1 });
    for (const entry of appendMany(buffer, 50)) buffer.acknowledge(entry.seq);
    expect(journalLines(file)).toEqual([encodeRecord({ kind: "header", nextSeq: 51 })]);
    const reopened = await reopen({ capacity: 100, path: file });
    expect(reopened.buffer.size).toBe(0);
    expect(reopened.buffer.append("a", "{}").seq).toBe(51);
  });
});

describe("durable fallback buffer with a damaged journal", () => {
  /** A piece of the damaged journal: valid text, or bytes that must be set aside (`bad`). */
  type Part = { text: string; bad?: true };
  const bad = (text: string): Part => ({ text, bad: true });
  const ok = (...lines: string[]): Part[] => lines.map((text) => ({ text }));
  const record = (r: JournalRecord) => encodeRecord(r);
  const append6: JournalRecord = { kind: "append", seq: 6, bufferedAt: 0, channel: "a", payload: "{}" };
  const flip = (line: string) => line.replace(/\{\\"n\\":(\d)\}/, '{\\"n\\":9}'); // checksum no longer matches

  /** A journal with header `h` and appends 1..5 (closed cleanly), rewritten as `damage` says. */
  async function damagedJournal(damage: (h: string, a: string[]) => Part[]) {
    const file = journalPath();
    const original = appendMany(open({ capacity: 10, path: file }).buffer, 5);
    await Promise.all(openBuffers.splice(0).map((buffer) => buffer.close()));
    const [h = "", ...a] = journalLines(file);
    const parts = damage(h, a);
    const wanted = { aside: "", spans: [] as Array<{ offset: number; bytes: number }> };
    let offset = 0;
    for (const part of parts) {
      const bytes = Buffer.byteLength(part.text);
      const last = wanted.spans.at(-1);
      if (part.bad && last !== undefined && last.offset + last.bytes === offset) last.bytes += bytes;
      else if (part.bad) wanted.spans.push({ offset, bytes });
      if (part.bad) wanted.aside += part.text;
      offset += bytes;
    }
    fs.writeFileSync(file, parts.map((part) => part.text).join(""));
    return { file, original, wanted, ...open({ capacity: 10, path: file }) };
  }

  it.each<[string, (h: string, a: string[]) => Part[], number[], number[], RegExp]>([
    [
      "a torn last record (half written)",
      (h, a) => [...ok(h, ...a), bad(record(append6).slice(0, 30))],
      [1, 2, 3, 4, 5],
      [6],
      /torn/,
    ],
    [
      "a last record without its newline",
      (h, a) => [...ok(h, ...a), bad(record(append6).slice(0, -1))],
      [1, 2, 3, 4, 5],
      [6],
      /torn/,
    ],
    [
      "a flipped byte in a middle record",
      (h, a) => [...ok(h, ...a.slice(0, 1)), bad(flip(a[1] ?? "")), ...ok(...a.slice(2))],
      [1, 3, 4, 5],
      [2],
      /checksum/,
    ],
    [
      "a middle record replaced by garbage",
      (h, a) => [...ok(h, ...a.slice(0, 2)), bad("#@!garbage\n"), ...ok(...a.slice(3))],
      [1, 2, 4, 5],
      [3],
      /checksum/,
    ],
    [
      "a corrupt header (corruption at the very start)",
      (h, a) => [bad(flip(h.replace("1", "7"))), ...ok(...a)],
      [1, 2, 3, 4, 5],
      [],
      /checksum/,
    ],
    [
      "a lost newline that merges two records",
      (h, a) => [...ok(h, a[0] ?? ""), bad((a[1] ?? "").slice(0, -1)), ...ok(...a.slice(2))],
      [1, 3, 4, 5],
      [2],
      /checksum/,
    ],
    [
      "zeros where two records were (a torn block)",
      (h, a) => [
        ...ok(h, a[0] ?? ""),
        bad("\0".repeat(Buffer.byteLength((a[1] ?? "") + (a[2] ?? "")))),
        ...ok(...a.slice(3)),
      ],
      [1, 4, 5],
      [2, 3],
      /checksum/,
    ],
    [
      "several damaged spans and a torn tail",
      (h, a) => [
        ...ok(h),
        bad("junk\n"),
        ...ok(a[0] ?? "", a[1] ?? ""),
        bad(flip(a[2] ?? "")),
        ...ok(a[3] ?? ""),
        bad("more junk\n"),
        ...ok(a[4] ?? ""),
        bad(record(append6).slice(0, 25)),
      ],
      [1, 2, 4, 5],
      [3, 6],
      /too short/,
    ],
    [
      "a valid record that goes back in sequence",
      (h, a) => [...ok(h, ...a.slice(0, 3)), bad(record({ ...append6, seq: 2 })), ...ok(...a.slice(3))],
      [1, 2, 3, 4, 5],
      [],
      /does not follow/,
    ],
    [
      "an acknowledgement of a seq never appended",
      (h, a) => [...ok(h, ...a), bad(record({ kind: "ack", seq: 9 }))],
      [1, 2, 3, 4, 5],
      [],
      /never appended/,
    ],
    [
      "an acknowledgement lost in the damage (its message is replayed again)",
      (h, a) => [...ok(h, ...a), bad(flip(record({ kind: "ack", seq: 2 }).replace("2", "3")))],
      [1, 2, 3, 4, 5],
      [],
      /checksum/,
    ],
    [
      "an append lost before an ack that covers it (nothing is lost)",
      (h, a) => [
        ...ok(h, a[0] ?? ""),
        bad(flip(a[1] ?? "")),
        ...ok(...a.slice(2), record({ kind: "ack", seq: 2 })),
      ],
      [3, 4, 5],
      [],
      /checksum/,
    ],
    [
      "a checksummed record of unknown shape",
      (h, a) => [...ok(h, ...a), bad(`${crc("[1,2]")} [1,2]\n`)],
      [1, 2, 3, 4, 5],
      [],
      /shape/,
    ],
    [
      "a file that is garbage from the first byte",
      () => [bad("\u0000\u0001not a journal at all\nreally not\n")],
      [],
      [],
      /checksum/,
    ],
  ])(
    "%s: sets aside exactly the damaged bytes, keeps every valid record and reports the lost seqs",
    async (_name, damage, kept, lostSeqs, reason) => {
      const { file, original, wanted, buffer, seen } = await damagedJournal(damage);
      expect(seqs(buffer)).toEqual(kept);
      expect(buffer.entries()).toEqual(original.filter((entry) => kept.includes(entry.seq)));
      expect(buffer.durability.durable).toBe(true);

      const asides = setAsideFiles(file);
      expect(asides).toHaveLength(1);
      expect(fs.readFileSync(asides[0] ?? "", "utf8")).toEqual(wanted.aside);
      const found = buffer.recovery?.damage;
      expect(found?.spans.map(({ offset, bytes }) => ({ offset, bytes }))).toEqual(wanted.spans);
      expect(found).toMatchObject({
        bytes: Buffer.byteLength(wanted.aside),
        lostSeqs,
        setAsidePath: asides[0],
      });
      expect(found?.reason).toMatch(reason);
      expect(seen.warnings.map((w) => w.fields?.setAsidePath)).toContain(asides[0]);

      // The journal itself is clean again: appending and reopening finds no damage and the same records.
      const next = buffer.append("after.repair", "{}");
      const reopened = await reopen({ capacity: 10, path: file });
      expect(reopened.buffer.recovery?.damage).toBeUndefined();
      expect(seqs(reopened.buffer)).toEqual([...kept, next.seq]);
    },
  );

  it("a journal whose header line is gone keeps its records: no byte is damaged", async () => {
    const file = journalPath();
    appendMany(open({ capacity: 10, path: file }).buffer, 3);
    await Promise.all(openBuffers.splice(0).map((buffer) => buffer.close()));
    fs.writeFileSync(file, journalLines(file).slice(1).join(""));
    const { buffer } = open({ capacity: 10, path: file });
    expect(seqs(buffer)).toEqual([1, 2, 3]);
    expect(buffer.recovery?.damage).toBeUndefined();
    expect(buffer.append("a", "{}").seq).toBe(4);
  });

  it("never reuses a set-aside file name", async () => {
    const file = journalPath();
    for (let i = 0; i < 3; i++) {
      fs.writeFileSync(file, "garbage\n");
      await reopen({ capacity: 1, path: file });
    }
    expect(setAsideFiles(file)).toHaveLength(3);
  });
});

function crc(text: string): string {
  return zlib.crc32(text).toString(16).padStart(8, "0");
}

describe("durable fallback buffer on an unusable path", () => {
  // Each case: where the journal would go (made in a fresh temp dir), and the errno the buffer reports.
  const unusable: Array<[string, (dir: string) => string, string[]]> = [
    [
      "a directory that cannot be created (parent is a file)",
      (d) => touch(d, "file.txt", "journal"),
      ["ENOTDIR"],
    ],
    ["a path that is a directory", (d) => d, ["EISDIR"]],
    ["a character device", () => "/dev/null", ["EINVAL"]],
    // mkdir(2) answers ENOENT in procfs although the parent exists: Node's recursive mkdir spun forever.
    [
      "a directory under /proc that mkdir cannot create",
      () => "/proc/no-such-dir/deeper/journal",
      ["ENOENT"],
    ],
    ["a file that cannot be created in /proc", () => "/proc/journal", ["ENOENT"]],
    // Root ignores permission bits; makeUnwritableDir then makes the directory immutable (EPERM).
    ["a directory nobody may write to", (d) => path.join(unwritableDirIn(d), "journal"), ["EACCES", "EPERM"]],
  ];
  const paths = new Map<string, string>();
  const results = new Map<string, OpenedOn>();
  const dirs: string[] = []; // kept until afterAll, unlike tempDir()'s
  let childFailure: string | undefined;

  beforeAll(async () => {
    for (const [name, pathIn] of unusable) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fallback-buffer-unusable-"));
      dirs.push(dir);
      paths.set(name, pathIn(dir));
    }
    const run = await runChild(OPEN_BUFFER_SCRIPT, [...paths.values()], CHILD_DEADLINE_MS);
    if (run.exitCode !== 0) childFailure = `exit ${run.exitCode} ${run.signal}: ${run.stderr}`;
    for (const line of run.stdout.split("\n").filter((l) => l !== "")) {
      const opened = JSON.parse(line) as OpenedOn;
      results.set(opened.path, opened);
    }
  });
  afterAll(() => {
    for (const release of releases.splice(0)) release();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(unusable)(
    "%s: falls back to memory at once, reports why, and never throws",
    (name, _pathIn, codes) => {
      expect(childFailure).toBeUndefined();
      const journal = paths.get(name) ?? "";
      const opened = results.get(journal);
      expect(opened).toMatchObject({
        durability: { durable: false, reason: "journal-unavailable", path: path.resolve(journal) },
        reported: 1,
        seqs: [2, 3],
      });
      expect(codes).toContain(opened?.code);
      // Checked before the lock is taken: no `<path>.lock` next to a directory or in /dev.
      expect(fs.existsSync(`${path.resolve(journal)}.lock`)).toBe(false);
    },
  );

  it("a journal that fills the disk mid-stream: the partial record is cut and the buffer goes on in memory", async () => {
    const file = journalPath();
    // ulimit -f caps file size at 64 KiB: write(2) then fails with EFBIG, like a full disk.
    const run = await runWriter(file, "none", 2_000, { fileSizeLimitKiB: 64 });
    const durable = run.printed.filter((line) => line.durable).map((line) => line.seq);
    const inMemory = run.printed.filter((line) => !line.durable).map((line) => line.seq);
    expect(run.exitCode).toBe(0);
    expect(durable.length).toBeGreaterThan(0);
    expect(inMemory.length).toBeGreaterThan(0);
    expect(run.printed.map((line) => line.seq)).toEqual(range(1, 2_000));

    const { buffer } = open({ capacity: 10_000, path: file });
    expect(buffer.recovery?.damage).toBeUndefined();
    expect(seqs(buffer)).toEqual(durable);
    expect(buffer.entries().map((entry) => entry.payload)).toEqual(durable.map(writerPayload));
  });
});

describe("durable fallback buffer under kill -9", () => {
  it.each<[FallbackBufferOptions["fsync"] & string]>([["none"], ["always"]])(
    "fsync %s: every seq the killed writer reported is in the journal, in order",
    async (fsync) => {
      const file = journalPath();
      const run = await runWriter(file, fsync, 1_000_000, { killAfterLines: 300 });
      expect(run.signal).toBe("SIGKILL");
      const printed = run.printed.map((line) => line.seq);
      expect(printed.length).toBeGreaterThanOrEqual(300);
      expect(printed).toEqual(range(1, printed.length));

      const { buffer } = open({ capacity: 1_000_000, path: file });
      const recovered = buffer.entries();
      // Every seq the writer reported is there, in order. It may have appended more than reached the
      // pipe: a line written while the pipe is full waits in the writer's memory and dies with it.
      expect(recovered.slice(0, printed.length).map((entry) => entry.seq)).toEqual(printed);
      expect(recovered.map((entry) => entry.seq)).toEqual(range(1, recovered.length));
      expect(recovered.map((entry) => entry.payload)).toEqual(
        recovered.map((entry) => writerPayload(entry.seq)),
      );
      expect(new Set(recovered.map((entry) => entry.channel))).toEqual(new Set([WRITER_CHANNEL]));
    },
  );
});

describe("journal checksum", () => {
  it.each(["", "a", "123456789", '["append",1,0,"price.updated.AAPL","{\\"p\\":1}"]', "héllo 📈 wörld"])(
    "the table CRC32 used before Node 20.15 equals zlib's for %j",
    (text) => {
      expect(crc32Bytes(Buffer.from(text))).toBe(zlib.crc32(text));
    },
  );

  it("matches the standard CRC32 check value", () => {
    expect(crc32Bytes(Buffer.from("123456789"))).toBe(0xcbf43926);
  });
});

function unwritableDirIn(parent: string): string {
  const { dir, release } = makeUnwritableDir(parent);
  releases.push(release);
  return dir;
}

/** Runs a TypeScript child to its end, or SIGKILLs it at `deadlineMs` (the run then reports the signal). */
function runChild(
  script: string,
  args: string[],
  deadlineMs: number,
): Promise<{ stdout: string; stderr: string; exitCode: number | null; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: REPO_ROOT });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const deadline = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode, signal) => {
      clearTimeout(deadline);
      resolve({ stdout, stderr, exitCode, signal });
    });
  });
}

function touch(dir: string, fileName: string, below: string): string {
  fs.writeFileSync(path.join(dir, fileName), "a regular file");
  return path.join(dir, fileName, below);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

interface WriterRun {
  printed: Array<{ seq: number; durable: boolean }>;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs test/support/buffer-writer.ts; optionally SIGKILLs it after it printed `killAfterLines` seqs. */
function runWriter(
  file: string,
  fsync: "always" | "none",
  count: number,
  options: { killAfterLines?: number; fileSizeLimitKiB?: number },
): Promise<WriterRun> {
  const node = [process.execPath, "--import", "tsx", WRITER_SCRIPT, file, fsync, String(count)];
  const child =
    options.fileSizeLimitKiB === undefined
      ? spawn(node[0] ?? "node", node.slice(1), { cwd: REPO_ROOT })
      : spawn("bash", ["-c", `ulimit -f ${options.fileSizeLimitKiB} && exec "$@"`, "bash", ...node], {
          cwd: REPO_ROOT,
        });
  let stdout = "";
  let stderr = "";
  let lines = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    stdout += text;
    lines += text.split("\n").length - 1;
    if (options.killAfterLines !== undefined && lines >= options.killAfterLines) child.kill("SIGKILL");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode, signal) => {
      // Only complete lines count: a half-printed one was never fully reported.
      const complete = stdout.slice(0, stdout.lastIndexOf("\n") + 1);
      const printed = complete
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => {
          const [seq, state] = line.split(" ");
          return { seq: Number(seq), durable: state === "durable" };
        });
      if (exitCode !== 0 && signal === null)
        reject(new Error(`buffer-writer failed (${exitCode}): ${stderr}`));
      else resolve({ printed, exitCode, signal, stderr });
    });
  });
}
