// How long the durable fallback buffer takes to append and to replay 10,000 and 100,000 messages, through
// the publisher against a real throw-away redis-server, next to the whole-file rewrite per append that the
// Python EventPublisher does. Run: npx tsx bench/fallback-buffer.bench.ts
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { createFallbackBuffer } from "../src/publisher/fallback-buffer.js";
import { createPublisher } from "../src/publisher/index.js";
import { startRedisServer, stopAllRedisServers } from "../test/support/redis-server.js";

const SIZES = [10_000, 100_000];
const NAIVE_SIZE = 2_000;

const signal = (n: number) => ({
  event_type: "signals.generated" as const,
  timestamp: "2025-01-18T09:00:00Z",
  strategy_id: "alpha_baseline",
  symbols: ["AAPL", "MSFT", "GOOGL"],
  num_signals: n,
  as_of_date: "2025-01-17",
});

interface Row {
  case: string;
  messages: number;
  totalMs: number;
  perMessageUs: number;
}

const rows: Row[] = [];
function record(name: string, messages: number, startedNs: bigint): void {
  const totalMs = Number(process.hrtime.bigint() - startedNs) / 1e6;
  rows.push({
    case: name,
    messages,
    totalMs: round(totalMs),
    perMessageUs: round((totalMs * 1000) / messages),
  });
}
const round = (value: number) => Math.round(value * 100) / 100;

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function benchSize(count: number, dir: string): Promise<void> {
  const redis = await startRedisServer();
  const connection = { host: "127.0.0.1", port: redis.port, retryStrategy: () => 20 };

  // Raw buffer appends: the journal alone.
  const rawPath = path.join(dir, `raw-${count}.journal`);
  const raw = createFallbackBuffer({ capacity: count, path: rawPath });
  const payload = JSON.stringify({ ...signal(0), event_id: "0f8fad5b-d9cb-469f-a165-70867728950e" });
  let started = process.hrtime.bigint();
  for (let n = 0; n < count; n++) raw.append("signals.generated", payload);
  record("buffer.append (journal write only)", count, started);
  await raw.close();

  // Publisher appends while Redis is down: validate, serialise, journal. The first one waits out the retry budget.
  const journal = path.join(dir, `publisher-${count}.journal`);
  await redis.stop();
  const down = createPublisher({
    connection,
    retry: { maxAttempts: 1, maxElapsedMs: 1 },
    buffer: { path: journal, capacity: count },
  });
  await down.publish("signals.generated", signal(0));
  started = process.hrtime.bigint();
  for (let n = 1; n < count; n++) await down.publish("signals.generated", signal(n));
  record("publish while Redis is down (validate + serialise + journal)", count - 1, started);
  await down.close();

  // Start-up load and replay by a new publisher, to one subscriber.
  await redis.restart();
  const subscriber = new Redis(redis.url);
  let received = 0;
  subscriber.on("message", () => {
    received += 1;
  });
  await subscriber.subscribe("signals.generated");
  started = process.hrtime.bigint();
  const up = createPublisher({ connection, buffer: { path: journal, capacity: count } });
  record("start-up: load the journal", count, started);
  started = process.hrtime.bigint();
  await waitUntil(() => up.stats().bufferSize === 0);
  record("replay to Redis (PUBLISH each, acknowledge each)", count, started);
  await waitUntil(() => received >= count);
  await up.close();
  subscriber.disconnect();
  await redis.stop();
}

/** What the Python EventPublisher does: rewrite the whole buffer file on every append. */
function benchWholeFileRewrite(count: number, dir: string): void {
  const file = path.join(dir, "rewrite.json");
  const messages: string[] = [];
  const payload = JSON.stringify(signal(0));
  const started = process.hrtime.bigint();
  for (let n = 0; n < count; n++) {
    messages.push(payload);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(messages));
    fs.renameSync(`${file}.tmp`, file);
  }
  record("for comparison: rewrite the whole file per append", count, started);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fallback-bench-"));
try {
  benchWholeFileRewrite(NAIVE_SIZE, dir);
  for (const size of SIZES) await benchSize(size, dir);
} finally {
  await stopAllRedisServers();
  fs.rmSync(dir, { recursive: true, force: true });
}
console.table(rows);
