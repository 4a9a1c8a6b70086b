// Child process for the fallback buffer's crash tests: appends messages to a durable buffer and prints
// "<seq> <durable|memory>" once each append() has returned, so the parent knows what was promised
// before it kills or starves this process. With "hold" it then prints "holding <pid>" and keeps the buffer
// (and so the journal's lock) open until killed. Usage: buffer-writer.ts <journal> <always|none> <count> [hold]
import { createFallbackBuffer, type FsyncPolicy } from "../../src/publisher/buffer/fallback-buffer.js";

export const WRITER_CHANNEL = "signals.generated";

/** The payload the writer buffers for its i-th message (1-based, equal to the seq on a fresh journal). */
export function writerPayload(i: number): string {
  return JSON.stringify({
    event_id: `evt-${i}`,
    strategy_id: "momentum-1",
    num_signals: i,
    note: "x".repeat(100),
  });
}

async function main(): Promise<void> {
  const [journalPath, fsync, count, hold] = process.argv.slice(2);
  if (journalPath === undefined || (fsync !== "always" && fsync !== "none") || count === undefined) {
    throw new Error("usage: buffer-writer.ts <journal> <always|none> <count>");
  }
  const buffer = createFallbackBuffer({
    capacity: 1_000_000,
    path: journalPath,
    fsync: fsync as FsyncPolicy,
  });
  // A line is printed only after append() returned: whatever the parent reads was promised first.
  for (let i = 1; i <= Number(count); i++) {
    const entry = buffer.append(WRITER_CHANNEL, writerPayload(i));
    process.stdout.write(`${entry.seq} ${buffer.durability.durable ? "durable" : "memory"}\n`);
  }
  if (hold === "hold") {
    process.stdout.write(`holding ${process.pid} ${buffer.durability.durable ? "durable" : "memory"}\n`);
    setInterval(() => {}, 60_000);
    return;
  }
  await buffer.close();
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) await main();
