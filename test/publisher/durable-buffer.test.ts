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
import { readJournal } from "../../src/publisher/journal/journal-file.js";
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

interface PublisherProcess {
  readonly child: ChildProcess;
  /** What each publish() resolved to, as printed: a line is printed only after its publish resolved. */
  readonly promised: { n: number; status: string; eventId: string; durable: string }[];
  /** The journalUnavailable events it reported: "<error name> <message>". */
  readonly unavailable: string[];
  stderr(): string;
}

/** test/support/publisher-process.ts: publishes `count` events, prints each result, idles until killed. */
function startPublisherProcess(
  port: number,
  journal: string,
  count: number,
  minSubscribers = 0,
): PublisherProcess {
  const args = ["--import", "tsx", CHILD, String(port), journal, String(count), String(minSubscribers)];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  cleanups.push(() => killChild(child));
  const run: PublisherProcess = { child, promised: [], unavailable: [], stderr: () => stderr };
  let stderr = "";
  let pendingLine = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    const lines = (pendingLine + chunk.toString()).split("\n");
    pendingLine = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("journalUnavailable ")) {
        run.unavailable.push(line.slice("journalUnavailable ".length));
        continue;
      }
      const [n, status, eventId, durable] = line.split(" ");
      run.promised.push({
        n: Number(n),
        status: status ?? "",
        eventId: eventId ?? "",
        durable: durable ?? "",
      });
    }
  });
  return run;
}

describe("kill -9 of the publisher process", () => {
  it("a new process takes over the journal at once and replays every message the killed one reported as buffered, in order", async () => {
    const redis = await redisServer();
    await redis.stop(); // down for the child: everything it publishes is buffered
    const journal = path.join(tempDir(), "signals.journal");
    const killed = startPublisherProcess(redis.port, journal, 3000);
    await waitFor(
      () => killed.promised.length >= 500 || killed.child.exitCode !== null,
      "the child to buffer 500 messages",
      { timeoutMs: 45_000, state: () => ({ promised: killed.promised.length, stderr: killed.stderr() }) },
    );
    await killChild(killed.child);
    expect(killed.child.signalCode).toBe("SIGKILL");
    const promised = killed.promised;
    expect(new Set(promised.map((p) => `${p.status} ${p.durable}`))).toEqual(new Set(["buffered durable"]));

    await redis.restart();
    const sub = await subscriber(redis);
    const pub = publisher(redis, { buffer: { path: journal, capacity: 1_000_000 } });
    // The dead holder's lock is gone with it: no waiting, no memory fallback.
    expect(pub.stats().durability).toMatchObject({ durable: true, path: journal });
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

describe("two publisher processes on one journal", () => {
  it("the second stays in memory and reports the lock; the journal holds only the first's; every message of both arrives", async () => {
    const redis = await redisServer();
    await redis.stop();
    const journal = path.join(tempDir(), "signals.journal");
    const count = 50;
    const first = startPublisherProcess(redis.port, journal, count, 1);
    await waitFor(() => first.promised.length === count, "the first to buffer", { state: first.stderr });
    const second = startPublisherProcess(redis.port, journal, count, 1);
    await waitFor(() => second.promised.length === count && second.unavailable.length > 0, "the second", {
      state: second.stderr,
    });

    expect(first.unavailable).toEqual([]);
    expect(new Set(first.promised.map((p) => `${p.status} ${p.durable}`))).toEqual(
      new Set(["buffered durable"]),
    );
    expect(new Set(second.promised.map((p) => `${p.status} ${p.durable}`))).toEqual(
      new Set(["buffered memory"]),
    );
    expect(second.unavailable).toEqual([
      expect.stringMatching(
        new RegExp(`^JournalLockedError .*locked by another publisher \\(pid ${first.child.pid}\\)`),
      ),
    ]);
    // The second never wrote the journal: it holds exactly the first's messages, in order.
    const journaled = readJournal(journal).records.flatMap((r) =>
      r.kind === "append" ? [(JSON.parse(r.payload) as { event_id: string }).event_id] : [],
    );
    expect(journaled).toEqual(first.promised.map((p) => p.eventId));

    await redis.restart();
    const sub = await subscriber(redis); // both replay once a subscriber is there (minSubscribers 1)
    const everyId = [...first.promised, ...second.promised].map((p) => p.eventId);
    await waitFor(() => new Set(sub.received.map((m) => m.eventId)).size === everyId.length, "both replays", {
      timeoutMs: 45_000,
      state: () => ({ received: sub.received.length }),
    });
    expect(new Set(sub.received.map((m) => m.eventId))).toEqual(new Set(everyId));
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

  it("a corrupt record in the middle: only its bytes are set aside, the records after it are replayed, journalRepaired says what was lost", async () => {
    const redis = await redisServer();
    await redis.stop();
    const journal = path.join(tempDir(), "signals.journal");
    const ids = await bufferWhileDown(redis, journal, 10);
    const lines = fs.readFileSync(journal, "utf8").match(/[^\n]*\n/g) ?? [];
    const corrupt = lines[4] ?? ""; // header, then seq 1..10: this is seq 4 (the event n = 3)
    const flipped = (corrupt.startsWith("0") ? "1" : "0") + corrupt.slice(1); // its checksum no longer matches
    const offset = Buffer.byteLength(lines.slice(0, 4).join(""));
    fs.writeFileSync(journal, [...lines.slice(0, 4), flipped, ...lines.slice(5)].join(""));

    await redis.restart();
    const sub = await subscriber(redis);
    const pub = publisher(redis, { buffer: { path: journal } });
    const repaired = capture(pub, "journalRepaired");
    expect(pub.stats().recovery?.recoveredEntries).toBe(9);
    await waitFor(() => repaired.length === 1, "the repair report");
    const bytes = Buffer.byteLength(flipped);
    expect(repaired[0]).toMatchObject({
      bytes,
      spans: [{ offset, bytes }],
      lostSeqs: [4],
      reason: "checksum mismatch",
    });
    expect(fs.readFileSync(repaired[0]?.asidePath ?? "", "utf8")).toBe(flipped);
    await waitFor(() => sub.received.length >= 9, "the replay");
    expect(sub.received.map((m) => m.eventId)).toEqual(ids.filter((_, n) => n !== 3));
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
