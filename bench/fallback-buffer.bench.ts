// Section 5: the durable fallback buffer (append-only journal) against the strategy it replaces,
// rewriting the whole buffer as a JSON list to a temporary file and renaming it on every change
// (what the Python EventPublisher does). Appends and replays N messages and shows how the cost per
// message grows with N; then the same through the publisher: publishing while Redis is down, loading
// the journal at start-up and replaying it to a real redis-server. Alone: npm run bench -- --only 5
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { channels, type SignalEvent } from "../generated/index.js";
import { startRedisServer } from "../scripts/support/redis-server.js";
import { createFallbackBuffer } from "../src/publisher/buffer/fallback-buffer.js";
import { createPublisher } from "../src/publisher/index.js";
import { prepareMessage } from "../src/publisher/message/prepare-message.js";
import { type Cell, ratio, type SectionResult } from "./support/report.js";
import { now, round, runWindow } from "./support/stats.js";

const JOURNAL_SIZES = [1_000, 10_000, 100_000] as const;
const REWRITE_SIZES = [1_000, 5_000] as const;
const PUBLISHER_SIZES = [10_000, 100_000] as const;
const CHANNEL = "signals.generated";

interface Measurement {
  readonly strategy: "journal" | "whole-file rewrite";
  readonly messages: number;
  readonly appendMs: number;
  /** Messages per second over the last 10% of the appends: the rate once the buffer holds ~N. */
  readonly appendRateAtEnd: number;
  /** Opening the file again and reading every buffered message back. */
  readonly loadMs: number;
  /** Taking every message out in order (acknowledge / rewrite without it). */
  readonly drainMs: number;
  readonly fileBytes: number;
}

interface PublisherMeasurement {
  readonly messages: number;
  /** publish() while Redis is down: validate, serialise, append to the journal (reason "behind-buffered"). */
  readonly publishWhileDownMs: number;
  /** createPublisher() on the journal left behind: reading and checking it. */
  readonly loadMs: number;
  /** From start-up until the buffer is empty: PUBLISH each message, await its reply, acknowledge it. */
  readonly replayMs: number;
  /** The same bodies sent with raw ioredis publish (1,000 in flight) to the same subscriber: messages/s. */
  readonly rawPublishRate: number;
}

export async function benchFallbackBuffer(): Promise<SectionResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-buffer-"));
  try {
    const bodies = messageBodies(Math.max(...JOURNAL_SIZES));
    const measurements: Measurement[] = [];
    for (const n of JOURNAL_SIZES)
      measurements.push(await measureJournal(path.join(dir, `journal-${n}`), bodies, n));
    for (const n of REWRITE_SIZES)
      measurements.push(measureRewrite(path.join(dir, `rewrite-${n}.json`), bodies, n));
    const throughPublisher: PublisherMeasurement[] = [];
    for (const n of PUBLISHER_SIZES) {
      throughPublisher.push(await measureThroughPublisher(path.join(dir, `publisher-${n}`), n));
    }
    const publisherRows: Cell[][] = throughPublisher.map((m) => [
      m.messages,
      round(m.publishWhileDownMs),
      round((m.publishWhileDownMs * 1000) / m.messages),
      round(m.loadMs),
      round(m.replayMs),
      round((m.messages * 1000) / m.replayMs),
      round(m.rawPublishRate),
      ratio((m.messages * 1000) / m.replayMs, m.rawPublishRate),
    ]);

    const rows: Cell[][] = measurements.map((m) => [
      m.strategy,
      m.messages,
      round(m.appendMs),
      round((m.appendMs * 1000) / m.messages),
      round(m.appendRateAtEnd),
      round(m.loadMs),
      round(m.drainMs),
      round((m.fileBytes / 1024 / 1024) * 100) / 100,
    ]);
    const tenThousand = measurements.find((m) => m.strategy === "journal" && m.messages === 10_000);
    const appendMs = tenThousand?.appendMs ?? Number.NaN;
    const rewriteSmall = measurements.find(
      (m) => m.strategy === "whole-file rewrite" && m.messages === 1_000,
    );
    const rewriteLarge = measurements.find(
      (m) => m.strategy === "whole-file rewrite" && m.messages === 5_000,
    );
    const journalSmall = measurements.find((m) => m.strategy === "journal" && m.messages === 1_000);
    const journalLarge = measurements.find((m) => m.strategy === "journal" && m.messages === 100_000);
    const growth = (a: Measurement | undefined, b: Measurement | undefined) =>
      a && b ? round(b.appendMs / b.messages / (a.appendMs / a.messages), 2) : Number.NaN;
    return {
      id: "fallback-buffer",
      title: "5. Durable fallback buffer",
      tables: [
        {
          title: "5. Durable fallback buffer: append and replay N messages",
          columns: [
            "Strategy",
            "N",
            "append all (ms)",
            "µs per append",
            "appends/s at the end",
            "load (ms)",
            "drain (ms)",
            "file (MiB)",
          ],
          rows,
          notes: [
            `Messages: ${CHANNEL} bodies from prepareMessage (~${bodies[0]?.length ?? 0} bytes each). Journal: createFallbackBuffer with a path, ` +
              'fsync "none" (the default; a record is handed to the kernel before append returns). Load = opening the file again ' +
              "(a restart); drain = oldest() + acknowledge() for every message, as replay does after each PUBLISH. " +
              "Whole-file rewrite: JSON.stringify(list) to a temp file + rename on every append and every removal, no fsync either. " +
              `Cost per append grows ${growth(journalSmall, journalLarge)}× from 1,000 to 100,000 messages with the journal, ` +
              `${growth(rewriteSmall, rewriteLarge)}× from 1,000 to 5,000 with the whole-file rewrite.`,
          ],
        },
        {
          title: "5b. Through the publisher: buffering while Redis is down, start-up, replay",
          columns: [
            "N",
            "publish while down (ms)",
            "µs per publish",
            "start-up load (ms)",
            "replay to Redis (ms)",
            "replayed/s",
            "raw publish/s",
            "replay ÷ raw",
          ],
          rows: publisherRows,
          notes: [
            "createPublisher with a journal path and signals.generated (buffered by default); Redis stopped, so each publish() " +
              "validates, serialises and appends behind the first buffered message. Then Redis restarts, a new publisher opens " +
              "the journal and replays it in order to one subscriber, up to 1,024 PUBLISHes in flight, acknowledging each after its reply. " +
              "Raw: the same bodies with ioredis publish, 1,000 in flight, to the same subscriber.",
          ],
        },
      ],
      targets: [
        {
          target: "10,000 durable appends ≤ 0.5 s",
          measured: `${round(appendMs)} ms`,
          met: appendMs <= 500,
        },
        ...throughPublisher.map((m) => {
          const replayRatio = (m.messages * 1000) / m.replayMs / m.rawPublishRate;
          return {
            target: `replay ≥ 0.5× raw publish throughput (N = ${m.messages.toLocaleString("en-US")})`,
            measured: `${round(replayRatio, 2)}×`,
            met: replayRatio >= 0.5,
          };
        }),
      ],
      data: { measurements, throughPublisher },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function messageBodies(count: number): string[] {
  const example = channels[CHANNEL].examples[0]?.payload;
  if (example === undefined) throw new Error(`the spec has no example for ${CHANNEL}`);
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) bodies.push(prepareMessage(CHANNEL, { ...example, num_signals: i }).body);
  return bodies;
}

async function measureJournal(file: string, bodies: readonly string[], n: number): Promise<Measurement> {
  const buffer = createFallbackBuffer({ capacity: n, path: file });
  if (!buffer.durability.durable) throw new Error(`the journal at ${file} is not durable`);
  const tailStart = n - Math.ceil(n / 10);
  let tailStartedAt = 0;
  const started = now();
  for (let i = 0; i < n; i++) {
    if (i === tailStart) tailStartedAt = now();
    buffer.append(CHANNEL, bodies[i] as string);
  }
  const ended = now();
  await buffer.close();
  const fileBytes = fs.statSync(file).size;

  const loadStarted = now();
  const reopened = createFallbackBuffer({ capacity: n, path: file });
  const loaded = now();
  if (reopened.size !== n) throw new Error(`the journal recovered ${reopened.size} of ${n} messages`);
  for (let entry = reopened.oldest(); entry !== undefined; entry = reopened.oldest())
    reopened.acknowledge(entry.seq);
  const drained = now();
  await reopened.close();
  return {
    strategy: "journal",
    messages: n,
    appendMs: ended - started,
    appendRateAtEnd: ((n - tailStart) * 1000) / (ended - tailStartedAt),
    loadMs: loaded - loadStarted,
    drainMs: drained - loaded,
    fileBytes,
  };
}

const signal = (n: number): SignalEvent => ({
  event_type: "signals.generated",
  timestamp: "2025-01-18T09:00:00Z",
  strategy_id: "alpha_baseline",
  symbols: ["AAPL", "MSFT", "GOOGL"],
  num_signals: n,
  as_of_date: "2025-01-17",
});

async function measureThroughPublisher(journal: string, n: number): Promise<PublisherMeasurement> {
  const redis = await startRedisServer();
  const subscriber = new Redis(redis.url);
  subscriber.on("error", () => {}); // refused while Redis is down; it reconnects by itself after the restart
  try {
    const connection = { host: "127.0.0.1", port: redis.port, retryStrategy: () => 20 };
    await redis.stop();
    const down = createPublisher({
      connection,
      retry: { maxAttempts: 1, maxElapsedMs: 1 },
      buffer: { path: journal, capacity: n },
    });
    // The first publish waits out the retry budget; every later one queues behind it without trying Redis.
    await down.publish("signals.generated", signal(0));
    const started = now();
    for (let i = 1; i < n; i++) {
      const result = await down.publish("signals.generated", signal(i));
      if (result.status !== "buffered") throw new Error(`publish while down: ${result.status}`);
    }
    const publishWhileDownMs = now() - started;
    await down.close();

    await redis.restart();
    let received = 0;
    subscriber.on("message", () => {
      received += 1;
    });
    await subscriber.subscribe("signals.generated");
    const loadStarted = now();
    const up = createPublisher({ connection, buffer: { path: journal, capacity: n } });
    const loadMs = now() - loadStarted;
    if (up.stats().bufferSize !== n)
      throw new Error(`start-up found ${up.stats().bufferSize} of ${n} messages`);
    await waitUntil(() => up.stats().bufferSize === 0, 300_000, "the replay");
    const replayMs = now() - loadStarted - loadMs;
    await waitUntil(() => received >= n, 30_000, "every replayed message");
    await up.close();
    const bodies = messageBodies(n);
    const raw = new Redis(redis.url);
    try {
      const rawMs = await runWindow(n, 1_000, (i) => raw.publish(CHANNEL, bodies[i] as string));
      await waitUntil(() => received >= 2 * n, 30_000, "every raw message");
      return { messages: n, publishWhileDownMs, loadMs, replayMs, rawPublishRate: (n * 1000) / rawMs };
    } finally {
      raw.disconnect();
    }
  } finally {
    subscriber.disconnect();
    await redis.stop();
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!condition()) {
    if (now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

interface RewriteEntry {
  readonly seq: number;
  readonly channel: string;
  readonly payload: string;
  readonly bufferedAt: number;
}

/** The reference strategy: the whole buffer is the file's one JSON list, rewritten atomically on every change. */
function measureRewrite(file: string, bodies: readonly string[], n: number): Measurement {
  const temp = `${file}.tmp`;
  const save = (list: readonly RewriteEntry[]) => {
    fs.writeFileSync(temp, JSON.stringify(list));
    fs.renameSync(temp, file);
  };
  const list: RewriteEntry[] = [];
  const tailStart = n - Math.ceil(n / 10);
  let tailStartedAt = 0;
  const started = now();
  for (let i = 0; i < n; i++) {
    if (i === tailStart) tailStartedAt = now();
    list.push({ seq: i + 1, channel: CHANNEL, payload: bodies[i] as string, bufferedAt: Date.now() });
    save(list);
  }
  const ended = now();
  const fileBytes = fs.statSync(file).size;

  const loadStarted = now();
  const loadedList = JSON.parse(fs.readFileSync(file, "utf8")) as RewriteEntry[];
  const loaded = now();
  if (loadedList.length !== n)
    throw new Error(`the rewritten file holds ${loadedList.length} of ${n} messages`);
  while (loadedList.length > 0) {
    loadedList.shift();
    save(loadedList);
  }
  const drained = now();
  return {
    strategy: "whole-file rewrite",
    messages: n,
    appendMs: ended - started,
    appendRateAtEnd: ((n - tailStart) * 1000) / (ended - tailStartedAt),
    loadMs: loaded - loadStarted,
    drainMs: drained - loaded,
    fileBytes,
  };
}
