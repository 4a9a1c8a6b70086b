// Child process for section 3: publishes `count` valid price updates, each with its own event_id, to one
// address as fast as raw ioredis can, then exits. The benchmark runs it with spawnSync, so the
// subscriber under test is blocked meanwhile and every message is waiting for it when it resumes.
// Usage: publish-burst.ts <port> <address> <count>
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { runWindow } from "./stats.js";

async function main(): Promise<void> {
  const [port, address, count] = process.argv.slice(2);
  const symbol = address?.slice("price.updated.".length);
  if (port === undefined || symbol === undefined || count === undefined) {
    throw new Error("usage: publish-burst.ts <port> <address> <count>");
  }
  const bodies = Array.from({ length: Number(count) }, (_, i) =>
    JSON.stringify({
      event_type: "price.updated",
      symbol,
      price: `${100 + (i % 1000) / 100}`,
      timestamp: "2025-01-18T14:30:05.123456+00:00",
      event_id: randomUUID(),
    }),
  );
  const client = new Redis({ host: "127.0.0.1", port: Number(port), enableAutoPipelining: true });
  await runWindow(bodies.length, 1_000, (i) =>
    client.publish(`price.updated.${symbol}`, bodies[i] as string),
  );
  await client.quit();
}

await main();
