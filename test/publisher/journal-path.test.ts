// The journal path check: creates missing directories with one mkdir per level and refuses, at once, every
// path that is not (or cannot become) a regular file. Real file system, no mocks.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureDirectory, prepareJournalPath } from "../../src/publisher/journal/journal-path.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "journal-path-test-"));
  dirs.push(dir);
  return dir;
}

function fileIn(dir: string): string {
  const file = path.join(dir, "a-file");
  fs.writeFileSync(file, "x");
  return file;
}

describe("ensureDirectory", () => {
  it.each<[string, (dir: string) => string]>([
    ["an existing directory is left as it is", (d) => d],
    ["one missing level is created", (d) => path.join(d, "one")],
    ["several missing levels are created", (d) => path.join(d, "one", "two", "three")],
    [
      "a relative path resolves against the working directory",
      (d) => path.relative(process.cwd(), path.join(d, "rel")),
    ],
  ])("%s", (_name, dirIn) => {
    const dir = dirIn(tempDir());
    ensureDirectory(dir);
    ensureDirectory(dir); // and again: idempotent
    expect(fs.statSync(dir).isDirectory()).toBe(true);
  });

  it.each<[string, (dir: string) => string, string]>([
    ["a regular file where a directory should be", (d) => fileIn(d), "ENOTDIR"],
    ["a regular file as an ancestor", (d) => path.join(fileIn(d), "below", "deeper"), "ENOTDIR"],
    // procfs answers mkdir with ENOENT although /proc exists: recursive mkdirSync looped on it forever.
    ["a level under /proc", () => "/proc/no-such-dir/deeper", "ENOENT"],
  ])("%s: throws at once", (_name, dirIn, code) => {
    const dir = dirIn(tempDir());
    expect(() => ensureDirectory(dir)).toThrow(expect.objectContaining({ code }));
  });
});

describe("prepareJournalPath", () => {
  it.each<[string, (dir: string) => string]>([
    ["a journal that does not exist yet, in a missing directory", (d) => path.join(d, "new", "journal")],
    ["an existing regular file", (d) => fileIn(d)],
  ])("accepts %s", (_name, journalIn) => {
    const journal = journalIn(tempDir());
    prepareJournalPath(journal);
    expect(fs.statSync(path.dirname(journal)).isDirectory()).toBe(true);
  });

  it.each<[string, (dir: string) => string, string]>([
    ["a directory", (d) => d, "EISDIR"],
    ["a character device", () => "/dev/null", "EINVAL"],
    ["a path below a regular file", (d) => path.join(fileIn(d), "journal"), "ENOTDIR"],
  ])("refuses %s and creates nothing", (_name, journalIn, code) => {
    const dir = tempDir();
    const journal = journalIn(dir);
    const before = fs.readdirSync(dir);
    expect(() => prepareJournalPath(journal)).toThrow(expect.objectContaining({ code }));
    expect(fs.readdirSync(dir)).toEqual(before);
  });
});
