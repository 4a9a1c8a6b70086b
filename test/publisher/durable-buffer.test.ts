// The publisher's durable fallback buffer: what a crashed process left behind is replayed by the next one,
// and a damaged or unusable journal never stops a publisher from starting.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  type RedisServerHandle,
  startRedisServer,
  stopAllRedisServers,
} from "../../scripts/support/redis-server.js";
import {
  createPublisher,
  type Publisher,
  type PublisherEvents,
  type PublisherOptions,
} from "../../src/publisher/index.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import {
  dedupeByEventId,
  makeTempDir,
  makeUnwritableDir,
  type RecordingSubscriber,
  recordingSubscriber,
  signalEvent,
  waitFor,
} from "../support/publisher-fixtures.js";

const cleanups = cleanupAfterEach();
afterAll(stopAllRedisServers);

const CHILD = path.join(import.meta.dirname, "../support/publisher-process.ts");

function tempDir(): string {
  const dir = makeTempDir("publisher-journal");
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function redisServer(): Promise<RedisServerHandle> {
  const handle = await startRedisServer();
  cleanups.push(() => handle.stop());
  return handle;
}

function publisher(redis: RedisServerHandle, options: Omit<PublisherOptions, "connection">): Publisher {
  const created = createPublisher({
    connection: { host: "127.0.0.1", port: redis.port, retryStrategy: () => 20 },
    retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10, maxElapsedMs: 100 },
    replay: { initialDelayMs: 20, maxDelayMs: 200 },
    ...options,
  });
  cleanups.push(() => created.close());
  return created;
}

async function subscriber(redis: RedisServerHandle): Promise<RecordingSubscriber> {
  const recording = await recordingSubscriber(redis.url, ["signals.generated"]);
  cleanups.push(() => recording.close());
  return recording;
}

/** Captures one kind of event from the first microtask on, so start-up reports are not missed. */
function capture<E extends keyof PublisherEvents>(pub: Publisher, name: E): PublisherEvents[E][] {
  const events: PublisherEvents[E][] = [];
  pub.on(name, (event) => events.push(event));
  return events;
}

/** Buffers `count` events while Redis is down and closes the publisher; returns their event ids. */
async function bufferWhileDown(redis: RedisServerHandle, journal: string, count: number): Promise<string[]> {
  const pub = publisher(redis, { buffer: { path: journal } });
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const result = await pub.publish("signals.generated", signalEvent(n));
    expect(result).toMatchObject({ status: "buffered", durable: true });
    ids.push(result.eventId);
  }
  await pub.close();
  return ids;
}

describe("kill -9 of the publisher process", () => {
  it("a new process replays every message the killed one reported as buffered, in order", async () => {
    const redis = await redisServer();
    await redis.stop(); // down for the child: everything it publishes is buffered
    const journal = path.join(tempDir(), "signals.journal");
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, String(redis.port), journal, "3000"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(() => killChild(child));
    const promised: { n: number; eventId: string }[] = [];
    let stderr = "";
    let pendingLine = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      const lines = (pendingLine + chunk.toString()).split("\n");
      pendingLine = lines.pop() ?? "";
      for (const line of lines) {
        const [n, status, eventId, durable] = line.split(" ");
        expect(`${status} ${durable}`).toBe("buffered durable");
        promised.push({ n: Number(n), eventId: eventId ?? "" });
      }
    });
    await waitFor(
      () => promised.length >= 500 || child.exitCode !== null,
      "the child to buffer 500 messages",
      {
        timeoutMs: 45_000,
        state: () => ({ promised: promised.length, stderr }),
      },
    );
    await killChild(child);
    expect(child.signalCode).toBe("SIGKILL");

    await redis.restart();
    const sub = await subscriber(redis);
    const pub = publisher(redis, { buffer: { path: journal, capacity: 1_000_000 } });
    const recovered = pub.stats().recovery?.recoveredEntries ?? 0;
    expect(recovered).toBeGreaterThanOrEqual(promised.length);
    await waitFor(() => pub.stats().bufferSize === 0 && sub.received.length >= recovered, "the replay", {
      timeoutMs: 45_000,
      state: () => ({ ...pub.stats(), received: sub.received.length }),
    });
    const replayed = dedupeByEventId(sub.received);
    // Everything recovered arrives in order: the promised prefix, then whatever was written but not yet printed.
    expect(replayed.map((m) => m.seq)).toEqual(Array.from({ length: recovered }, (_, n) => n));
    expect(replayed.slice(0, promised.length).map((m) => m.eventId)).toEqual(promised.map((p) => p.eventId));
  });
});

describe("journal damage and unusable paths", () => {
  it("close() leaves a consistent journal: reopened, it holds exactly the unsent messages, undamaged", async () => {
    const redis = await redisServer();
    await redis.stop();
    const journal = path.join(tempDir(), "signals.journal");
    const ids = await bufferWhileDown(redis, journal, 20);
    await redis.restart();
    const sub = await subscriber(redis);
    const pub = publisher(redis, { buffer: { path: journal } });
    expect(pub.stats().recovery).toMatchObject({ recoveredEntries: 20, damage: undefined });
    await waitFor(() => sub.received.length >= 20, "the replay");
    expect(sub.received.map((m) => m.eventId)).toEqual(ids);
  });

  it("a caller's client that is already connected: the journal is replayed at start-up", async () => {
    const redis = await redisServer();
    await redis.stop();
    const journal = path.join(tempDir(), "signals.journal");
    const ids = await bufferWhileDown(redis, journal, 5);
    await redis.restart();
    const sub = await subscriber(redis);
    const client = new Redis(redis.url);
    cleanups.push(() => client.disconnect());
    await client.ping();
    const pub = createPublisher({ connection: client, buffer: { path: journal } });
    cleanups.push(() => pub.close());
    await waitFor(() => sub.received.length >= 5, "the replay");
    expect(sub.received.map((m) => m.eventId)).toEqual(ids);
  });

  it("a torn last record is cut off and set aside; the valid prefix is replayed and the publisher works", async () => {
    const redis = await redisServer();
    await redis.stop();
    const journal = path.join(tempDir(), "signals.journal");
    const ids = await bufferWhileDown(redis, journal, 10);
    const torn = '0badc0de ["append",11,1737190800000,"signals.generated","{\\"event_type\\":\\"sig';
    fs.appendFileSync(journal, torn);

    await redis.restart();
    const sub = await subscriber(redis);
    const pub = publisher(redis, { buffer: { path: journal } });
    const repaired = capture(pub, "journalRepaired");
    expect(pub.stats().recovery?.recoveredEntries).toBe(10);
    expect(pub.stats().durability).toMatchObject({ durable: true });
    await waitFor(() => repaired.length === 1, "the repair report");
    const asidePath = repaired[0]?.asidePath ?? "";
    expect(fs.readFileSync(asidePath, "utf8")).toBe(torn);
    await waitFor(() => sub.received.length >= 10, "the replay");
    await pub.publish("signals.generated", signalEvent(10));
    await waitFor(() => sub.received.length >= 11, "a new message");
    expect(dedupeByEventId(sub.received).map((m) => m.seq)).toEqual(Array.from({ length: 11 }, (_, n) => n));
    expect(sub.received.slice(0, 10).map((m) => m.eventId)).toEqual(ids);
  });

  it("a garbage file is set aside whole; the publisher starts empty and buffers durably again", async () => {
    const redis = await redisServer();
    await redis.stop();
    const journal = path.join(tempDir(), "signals.journal");
    const garbage = randomBytes(4096);
    fs.writeFileSync(journal, garbage);
    const pub = publisher(redis, { buffer: { path: journal } });
    const repaired = capture(pub, "journalRepaired");
    expect(pub.stats()).toMatchObject({ bufferSize: 0, durability: { durable: true } });
    await waitFor(() => repaired.length === 1, "the repair report");
    expect(repaired[0]).toMatchObject({ bytes: 4096 });
    expect(fs.readFileSync(repaired[0]?.asidePath ?? "")).toEqual(garbage);
    const result = await pub.publish("signals.generated", signalEvent(1));
    expect(result).toMatchObject({ status: "buffered", durable: true });
    await pub.close();
    const reopened = publisher(redis, { buffer: { path: journal } });
    expect(reopened.stats().recovery).toMatchObject({ recoveredEntries: 1, damage: undefined });
  });

  it.each([
    [
      "a directory nobody may write to",
      (dir: string) => path.join(makeUnwritableDirFor(dir), "signals.journal"),
    ],
    ["a path below a regular file", (dir: string) => path.join(fileIn(dir), "signals.journal")],
  ])("%s: falls back to memory, reports it, and still buffers and replays", async (_name, pathIn) => {
    const redis = await redisServer();
    await redis.stop();
    const journal = pathIn(tempDir());
    const pub = publisher(redis, {
      buffer: { path: journal },
      channels: { "signals.generated": { minSubscribers: 1 } },
    });
    const unavailable = capture(pub, "journalUnavailable");
    expect(pub.stats().durability).toMatchObject({
      durable: false,
      reason: "journal-unavailable",
      path: journal,
    });
    await waitFor(() => unavailable.length === 1, "the report");
    expect(unavailable[0]?.path).toBe(journal);
    const result = await pub.publish("signals.generated", signalEvent(1));
    expect(result).toMatchObject({ status: "buffered", durable: false });
    await redis.restart();
    const sub = await subscriber(redis);
    await waitFor(() => pub.stats().bufferSize === 0, "the replay");
    await pub.publish("signals.generated", signalEvent(2));
    await waitFor(() => sub.received.length >= 2, "both messages");
    expect(sub.received.map((m) => m.seq)).toEqual([1, 2]);
    expect(fs.existsSync(journal)).toBe(false);
  });
});

function makeUnwritableDirFor(parent: string): string {
  const { dir, release } = makeUnwritableDir(parent);
  cleanups.push(release);
  return dir;
}

function fileIn(dir: string): string {
  const file = path.join(dir, "not-a-directory");
  fs.writeFileSync(file, "");
  return file;
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}
