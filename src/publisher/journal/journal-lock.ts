// One writer per journal: an exclusive kernel lock on `<journal>.lock`, taken before the journal is read and
// held until the buffer closes. The lock file is never renamed or removed, so compaction (which renames a new
// journal over the old one) cannot move the lock, and removing it could let two processes lock two inodes.
//
// Why a kernel lock from fs-native-extensions: the kernel drops it the moment its holder dies, kill -9
// included, so the next start never waits and never guesses. proper-lockfile (mtime staleness) would make a
// service restarted right after a crash find the dead holder's lock still fresh and fall back to memory, and
// would hand the lock to a second writer while the holder's event loop is stalled longer than `stale`. A pid
// file with a liveness check needs compare-and-swap the file system does not offer. fs-native-extensions
// (Holepunch) ships prebuilt N-API binaries for Linux, macOS and Windows on x64 and arm64: nothing is compiled
// or downloaded at install. On Linux it takes an open-file-description lock (F_OFD_SETLK), so two buffers in
// one process exclude each other too.
import fs from "node:fs";
import { createRequire } from "node:module";

interface NativeLocking {
  /** True when granted, false when another open file holds it. */
  tryLock(fd: number): boolean;
  unlock(fd: number): void;
}

/** Another publisher (in this or another process) holds the journal: this one keeps its buffer in memory. */
export class JournalLockedError extends Error {
  override readonly name = "JournalLockedError";
  constructor(
    readonly path: string,
    readonly lockPath: string,
    /** The pid the holder wrote into the lock file, when it could be read. */
    readonly holderPid: number | undefined,
  ) {
    const holder = holderPid === undefined ? "another publisher" : `another publisher (pid ${holderPid})`;
    super(
      `journal ${path} is locked by ${holder}: one journal has one writer, so this buffer stays in memory`,
    );
  }
}

/** File locks cannot be taken on this platform (the native module did not load). */
export class JournalLockUnsupportedError extends Error {
  override readonly name = "JournalLockUnsupportedError";
  constructor(override readonly cause: unknown) {
    super(
      `cannot lock the journal on this platform: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

export interface JournalLock {
  readonly lockPath: string;
  /** Unlocks and closes the lock file; safe to call twice. */
  release(): void;
}

let loaded: NativeLocking | { readonly failure: unknown } | undefined;

// Loaded on first use, so a platform without the binary loses durability, not the whole library.
function nativeLocking(): NativeLocking {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)("fs-native-extensions") as NativeLocking;
    } catch (failure) {
      loaded = { failure };
    }
  }
  if ("failure" in loaded) throw new JournalLockUnsupportedError(loaded.failure);
  return loaded;
}

/** Takes the journal's lock without waiting: throws JournalLockedError when it is held, or a file-system error. */
export function lockJournal(journalPath: string): JournalLock {
  const locking = nativeLocking();
  const lockPath = `${journalPath}.lock`;
  const fd = fs.openSync(lockPath, "a+"); // the lock needs a writable descriptor
  try {
    if (!locking.tryLock(fd)) throw new JournalLockedError(journalPath, lockPath, readHolderPid(fd));
    // Only for the message a second publisher reports; the lock itself is what counts.
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, `${process.pid}\n`);
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  let released = false;
  return {
    lockPath,
    release() {
      if (released) return;
      released = true;
      try {
        locking.unlock(fd);
      } finally {
        fs.closeSync(fd); // closing alone would release it too
      }
    },
  };
}

function readHolderPid(fd: number): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(fd, "utf8"), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
