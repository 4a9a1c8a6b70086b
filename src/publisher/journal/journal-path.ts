// Checks a journal path before anything reads or writes it: creates the missing directories, and refuses
// anything that is not (or cannot become) a regular file. Every refusal is a thrown errno-style error, fast.
import fs from "node:fs";
import path from "node:path";

/**
 * `mkdir -p` that fails fast. Node 20's `mkdirSync(dir, { recursive: true })` spins forever at 100% CPU
 * where mkdir(2) answers ENOENT although the parent exists (procfs, sysfs); this walks up to the first
 * existing ancestor once, then creates each missing level once, so it ends after at most one mkdir per level.
 */
export function ensureDirectory(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const stat = statOrUndefined(current);
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw errnoError("ENOTDIR", `${current} is not a directory`);
      break;
    }
    const parent = path.dirname(current);
    if (parent === current) throw errnoError("ENOENT", `no file system root for ${dir}`);
    missing.push(current);
    current = parent;
  }
  for (const level of missing.reverse()) {
    try {
      fs.mkdirSync(level);
    } catch (error) {
      // Another process may have created it in between; anything else is final.
      if (codeOf(error) !== "EEXIST" || statOrUndefined(level)?.isDirectory() !== true) throw error;
    }
  }
}

/**
 * Creates the journal's directory and checks that the journal is a regular file or does not exist yet.
 * A device or FIFO would read forever or block, a directory cannot be appended to.
 */
export function prepareJournalPath(journalPath: string): void {
  ensureDirectory(path.dirname(journalPath));
  const stat = statOrUndefined(journalPath);
  if (stat === undefined || stat.isFile()) return;
  if (stat.isDirectory()) throw errnoError("EISDIR", `${journalPath} is a directory`);
  throw errnoError("EINVAL", `${journalPath} is not a regular file`);
}

/** The stat of `target`, or undefined when it does not exist; any other failure (EACCES, ELOOP...) throws. */
function statOrUndefined(target: string): fs.Stats | undefined {
  try {
    return fs.statSync(target);
  } catch (error) {
    if (codeOf(error) === "ENOENT") return undefined;
    throw error;
  }
}

export function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}
