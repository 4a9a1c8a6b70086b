// The working directory (--dir) of one test server's handle. It outlives a kill and a restart, as a real
// machine's would: a cluster node finds its nodes.conf again and rejoins as the same node. stop() removes
// it; stopAllRedisServers() and the exit hook remove whatever a test file left.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const liveDirs = new Set<string>();

export function makeServerDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "redis-test-"));
  liveDirs.add(dir);
  return dir;
}

/** Before a (re)start: the directory exists again, even after stop() removed it. */
export function ensureServerDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  liveDirs.add(dir);
}

export function removeServerDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

/** Every directory still there; for stopAllRedisServers(), once its servers are down. */
export function removeAllServerDirs(): void {
  for (const dir of liveDirs) removeServerDir(dir);
}

process.once("exit", removeAllServerDirs);
