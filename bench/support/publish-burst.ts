// Child process for section 3: publishes `count` valid price updates, each with its own event_id, to one
// address as fast as raw ioredis can, then exits. The benchmark runs it with spawnSync, so the
// subscriber under test is blocked meanwhile and every message is waiting for it when it resumes.
// Usage: publish-burst.ts <port> <address> <count> [ids|no-ids]  (no-ids: as the Python producers send them)
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { runWindow } from "./stats.js";

async function main(): Promise<void> {
  const [port, address, count, ids = "ids"] = process.argv.slice(2);
  const symbol = address?.slice("price.updated.".length);
  if (port === undefined || symbol === undefined || count === undefined) {
    throw new Error("usage: publish-burst.ts <port> <address> <count>");
  }
  // Every body distinct, within a run (the price) and across runs (the start time, microseconds as Python writes them).
  const startedAt = new Date().toISOString().replace("Z", "000+00:00");
  const bodies = Array.from({ length: Number(count) }, (_, i) =>
    JSON.stringify({
      event_type: "price.updated",
      symbol,
      price: (100 + i / 10_000).toFixed(4),
      timestamp: startedAt,
      ...(ids === "ids" ? { event_id: randomUUID() } : {}),
    }),
  );
  const client = new Redis({ host: "127.0.0.1", port: Number(port), enableAutoPipelining: true });
  await runWindow(bodies.length, 1_000, (i) =>
    client.publish(`price.updated.${symbol}`, bodies[i] as string),
  );
  await client.quit();
}

await main();
