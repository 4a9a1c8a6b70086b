// One writer per journal: the lock on `<journal>.lock` refuses a second holder in this or another process,
// survives compaction by rename, and is free again the moment its holder dies, kill -9 included.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFallbackBuffer, type FallbackBuffer } from "../../src/publisher/buffer/fallback-buffer.js";
import { readJournal } from "../../src/publisher/journal/journal-file.js";
import { JournalLockedError, lockJournal } from "../../src/publisher/journal/journal-lock.js";
import { writerPayload } from "../support/buffer-writer.js";

const WRITER_SCRIPT = path.resolve(import.meta.dirname, "../support/buffer-writer.ts");
const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function journalPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-lock-test-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "signals.journal");
}

function openBuffer(file: string, options: { compactionThresholdBytes?: number } = {}): FallbackBuffer {
  const buffer = createFallbackBuffer({ capacity: 1000, path: file, ...options });
  cleanups.push(() => buffer.close());
  return buffer;
}

function lockError(file: string): JournalLockedError | undefined {
  try {
    lockJournal(file).release();
    return undefined;
  } catch (error) {
    if (error instanceof JournalLockedError) return error;
    throw error;
  }
}

describe("lockJournal", () => {
  it("refuses a second lock on the same journal in this process, naming the holder's pid", () => {
    const file = journalPath();
    const held = lockJournal(file);
    cleanups.push(() => held.release());
    const refused = lockError(file);
    expect(refused).toMatchObject({ path: file, lockPath: `${file}.lock`, holderPid: process.pid });
    expect(refused?.message).toMatch(/locked by another publisher \(pid \d+\)/);
  });

  it("release() is idempotent, frees the lock for the next holder and leaves the lock file in place", () => {
    const file = journalPath();
    const first = lockJournal(file);
    first.release();
    first.release();
    expect(lockError(file)).toBeUndefined();
    // Removing it would let a process that opened the old file and one that created a new one both "hold" it.
    expect(fs.existsSync(`${file}.lock`)).toBe(true);
  });
});

describe("one writer per journal", () => {
  it("a second buffer on a held journal stays in memory, says why, and neither reads nor writes the journal", async () => {
    const file = journalPath();
    const holder = openBuffer(file);
    holder.append("a", '{"from":"holder"}');
    const lost: unknown[] = [];
    const second = createFallbackBuffer({ capacity: 10, path: file, onDurabilityLost: (s) => lost.push(s) });
    cleanups.push(() => second.close());

    expect(second.durability).toMatchObject({ durable: false, reason: "journal-unavailable", path: file });
    expect((second.durability as { cause: unknown }).cause).toBeInstanceOf(JournalLockedError);
    expect(lost).toEqual([second.durability]);
    expect([second.size, second.recovery]).toEqual([0, undefined]); // the holder owns what the journal holds
    second.append("b", '{"from":"second"}');
    await second.close(); // closing the refused buffer must not free the holder's lock
    expect(lockError(file)).toBeInstanceOf(JournalLockedError);

    holder.append("a", '{"from":"holder"}');
    const payloads = readJournal(file).records.flatMap((r) => (r.kind === "append" ? [r.payload] : []));
    expect(payloads).toEqual(['{"from":"holder"}', '{"from":"holder"}']);
  });

  it("compaction renames a new journal over the old one and the lock still holds", () => {
    const file = journalPath();
    const holder = openBuffer(file, { compactionThresholdBytes: 1 });
    const inodes = new Set([fs.statSync(file).ino]);
    for (let n = 0; n < 20; n++) {
      holder.acknowledge(holder.append("a", `{"n":${n}}`).seq);
      inodes.add(fs.statSync(file).ino);
    }
    expect(inodes.size).toBeGreaterThan(1); // it really was replaced (a freed inode number may come back)
    expect(lockError(file)).toBeInstanceOf(JournalLockedError);
    holder.append("a", '{"n":"last"}');
    expect(readJournal(file).records.at(-1)).toMatchObject({ kind: "append", payload: '{"n":"last"}' });
  });

  it("two processes on one journal: the second stays in memory; the holder's records are all there, kill -9 frees the lock at once", async () => {
    const file = journalPath();
    const holder = startWriter(file, 200, "hold");
    const holding = await holder.line((l) => l.startsWith("holding"));
    expect(holding).toBe(`holding ${holder.child.pid} durable`);

    const second = startWriter(file, 200);
    await second.exited;
    expect(second.lines).toEqual(range(1, 200).map((seq) => `${seq} memory`)); // accepted, in memory, as reported
    expect(lockError(file)).toMatchObject({ holderPid: holder.child.pid });

    holder.child.kill("SIGKILL");
    await holder.exited;
    expect(holder.child.signalCode).toBe("SIGKILL");
    // No waiting, no staleness to guess: the kernel released the lock with the process.
    const next = openBuffer(file);
    expect(next.durability).toMatchObject({ durable: true });
    expect(next.recovery).toMatchObject({ recoveredEntries: 200, damage: undefined });
    expect(next.entries().map((e) => e.payload)).toEqual(range(1, 200).map(writerPayload));
  });
});

interface Writer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[];
  readonly exited: Promise<void>;
  /** Resolves with the first printed line that matches (or rejects if the child ends without one). */
  line(match: (line: string) => boolean): Promise<string>;
}

function startWriter(file: string, count: number, hold?: "hold"): Writer {
  const args = ["--import", "tsx", WRITER_SCRIPT, file, "none", String(count), ...(hold ? [hold] : [])];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let pending = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const parts = (pending + chunk.toString("utf8")).split("\n");
    pending = parts.pop() ?? "";
    lines.push(...parts);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    child,
    lines,
    exited,
    line(match) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found !== undefined) resolve(found);
          else if (ended) reject(new Error(`writer ended without the line; stderr: ${stderr}`));
          else waiters.push(check);
        };
        check();
      });
    },
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
