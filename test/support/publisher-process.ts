// Child process for the publisher's crash test: publishes numbered signals.generated events (0..count-1,
// a few per millisecond) through a publisher with a durable journal and prints "<n> <status> <eventId>
// <durable>" once each publish has resolved, so the parent knows what was promised before it kill -9s
// this process, and "journalUnavailable <error name> <message>" if its journal cannot be used. Then it idles
// (replaying when Redis is back) until killed.
// Usage: publisher-process.ts <redis port> <journal> <count> [minSubscribers]
import { createPublisher } from "../../src/publisher/index.js";
import { signalEvent } from "./publisher-fixtures.js";

async function main(): Promise<void> {
  const [port, journalPath, count, minSubscribers = "0"] = process.argv.slice(2);
  if (port === undefined || journalPath === undefined || count === undefined) {
    throw new Error("usage: publisher-process.ts <redis port> <journal path> <count>");
  }
  const publisher = createPublisher({
    connection: { host: "127.0.0.1", port: Number(port), retryStrategy: () => 50 },
    retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10, maxElapsedMs: 100 },
    buffer: { path: journalPath, capacity: 1_000_000 },
    channels: { "signals.generated": { minSubscribers: Number(minSubscribers) } },
  });
  publisher.on("journalUnavailable", ({ error }) => {
    const { name, message } = error as Error;
    process.stdout.write(`journalUnavailable ${name} ${message}\n`);
  });
  // stdout is a pipe: on Linux each write is synchronous, so a printed line left before the next publish.
  for (let n = 0; n < Number(count); n++) {
    const result = await publisher.publish("signals.generated", signalEvent(n));
    const durable = result.status === "buffered" && result.durable ? "durable" : "memory";
    process.stdout.write(`${n} ${result.status} ${result.eventId} ${durable}\n`);
    if (n % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  setInterval(() => {}, 60_000); // idle, publisher open, until killed
}

await main();
