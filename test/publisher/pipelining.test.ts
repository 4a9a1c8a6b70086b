// The publisher pipelines: publishes to one channel go out without waiting for each other's replies, and
// a failure in the middle of a pipeline never lets a later message overtake an earlier one.
import fs from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { SignalEvent } from "../../generated/index.js";
import { type RedisServerHandle, stopAllRedisServers } from "../../scripts/support/redis-server.js";
import {
  type Publisher,
  type PublisherEvents,
  type PublisherOptions,
  type PublishResult,
  PublishTimeoutError,
} from "../../src/publisher/index.js";
import { prepareMessage } from "../../src/publisher/message/prepare-message.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import {
  dedupeByEventId,
  makeTempDir,
  type RecordingSubscriber,
  recordingSubscriber,
  signalEvent,
  waitFor,
} from "../support/publisher-fixtures.js";
import { createPublisher } from "../support/publisher-under-test.js";
import { redisServerForTest } from "../support/redis-for-test.js";

const cleanups = cleanupAfterEach();
afterAll(stopAllRedisServers);

const server = (): Promise<RedisServerHandle> => redisServerForTest(cleanups);

function publisher(options: PublisherOptions): Publisher {
  const created = createPublisher(options);
  cleanups.push(() => created.close());
  return created;
}

async function subscriber(url: string): Promise<RecordingSubscriber> {
  const recording = await recordingSubscriber(url, ["signals.generated"]);
  cleanups.push(() => recording.close());
  return recording;
}

/** A plain client; `options` are added to ioredis's defaults. */
async function client(url: string, options: Record<string, unknown> = {}): Promise<Redis> {
  const created = new Redis(url, options);
  created.on("error", () => {});
  cleanups.push(() => created.disconnect());
  if (created.status !== "ready") await new Promise((resolve) => created.once("ready", resolve));
  return created;
}

/** The n-th event with an event id fixed in advance, so that its exact wire bytes are known. */
function fixedEvent(n: number): SignalEvent {
  return { ...signalEvent(n), event_id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` };
}

/** Bytes of a PUBLISH of `event` as RESP on the wire. */
function publishCommandBytes(event: SignalEvent): number {
  const { address, body } = prepareMessage("signals.generated", event);
  const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  return Buffer.byteLength(`*3\r\n${bulk("PUBLISH")}${bulk(address)}${bulk(body)}`);
}

/** The publisher connection's unprocessed query buffer, as Redis reports it in CLIENT LIST. */
async function queryBufferOf(admin: Redis, name: string): Promise<{ qbuf: number; flags: string }> {
  const list = (await admin.client("LIST")) as string;
  const line = list.split("\n").find((l) => l.includes(` name=${name} `)) ?? "";
  return {
    qbuf: Number(/ qbuf=(\d+) /.exec(line)?.[1] ?? -1),
    flags: /flags=(\S+)/.exec(line)?.[1] ?? "",
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("pipelining", () => {
  it("writes 100 publishes to one channel before the first reply, and they arrive in call order", async () => {
    const redis = await server();
    const admin = await client(redis.url);
    const sub = await subscriber(redis.url);
    const pub = publisher({
      connection: { host: "127.0.0.1", port: redis.port, connectionName: "pipelined" },
      commandTimeoutMs: 30_000,
    });
    await pub.publish("signals.generated", fixedEvent(0)); // connected
    // Redis holds every PUBLISH while the pause lasts (WRITE mode still runs CLIENT LIST for us).
    await admin.client("PAUSE", 30_000, "WRITE");
    cleanups.push(() => admin.client("UNPAUSE"));
    const events = range(1, 101).map(fixedEvent);
    const pending = events.map((event) => pub.publish("signals.generated", event));
    // publish() writes at once: no reply can have come back yet, and all 100 are awaiting one.
    expect(pub.stats().inFlight).toBe(100);
    // Redis's view: the first PUBLISH waits for the pause, the other 99 sit unread in the connection's
    // query buffer, byte for byte. Sent one after another, there would be nothing behind the first.
    const behindFirst = events.slice(1).reduce((sum, event) => sum + publishCommandBytes(event), 0);
    let seen = await queryBufferOf(admin, "pipelined");
    for (let polls = 0; seen.qbuf !== behindFirst && polls < 3_000; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      seen = await queryBufferOf(admin, "pipelined");
    }
    expect({ ...seen, blocked: seen.flags.includes("b") }).toMatchObject({
      qbuf: behindFirst,
      blocked: true,
    });
    await admin.client("UNPAUSE");
    const results = await Promise.all(pending);
    expect(results.map((r) => r.status)).toEqual(Array(100).fill("published"));
    expect(results.map((r) => (r.status === "published" ? r.attempts : 0))).toEqual(Array(100).fill(1));
    await waitFor(() => sub.received.length === 101, "every message");
    expect(sub.received.map((m) => m.seq)).toEqual(range(0, 101));
    expect(pub.stats().inFlight).toBe(0);
  });

  it("keeps one PUBLISH in flight per channel that requires subscribers: the reply decides whether the next may go", async () => {
    const redis = await server();
    const sub = await subscriber(redis.url);
    const pub = publisher({
      connection: { host: "127.0.0.1", port: redis.port },
      channels: { "signals.generated": { minSubscribers: 1 } },
    });
    await pub.publish("signals.generated", signalEvent(0)); // connected
    const signals = range(1, 11).map((n) => pub.publish("signals.generated", signalEvent(n)));
    expect(pub.stats().inFlight).toBe(1);
    const prices = range(0, 10).map((n) =>
      pub.publish("price.updated.{symbol}", {
        event_type: "price.updated",
        symbol: "AAPL",
        price: `${n}`,
        timestamp: "2025-01-18T09:00:00Z",
      }),
    );
    expect(pub.stats().inFlight).toBe(11); // minSubscribers 0: all ten at once
    await Promise.all([...signals, ...prices]);
    await waitFor(() => sub.received.length === 11, "every signal");
    expect(sub.received.map((m) => m.seq)).toEqual(range(0, 11));
  });
});

describe("a failure in the middle of a pipeline", () => {
  it("a connection lost with PUBLISHes unanswered: they go again in call order, newer ones queue behind, the answered ones are not repeated", async () => {
    const redis = await server();
    const admin = await client(redis.url);
    const sub = await subscriber(redis.url);
    // A caller's client that fails in-flight commands as soon as the connection drops, like the publisher's own.
    const connection = await client(redis.url, {
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: () => 20,
    });
    const connectionId = Number(await connection.client("ID"));
    const pub = publisher({
      connection,
      commandTimeoutMs: 30_000,
      retry: { maxAttempts: 10, initialDelayMs: 10, maxDelayMs: 50, maxElapsedMs: 20_000 },
    });
    const retried: PublisherEvents["retried"][] = [];
    pub.on("retried", (event) => retried.push(event));

    const answered = range(0, 50).map((n) => pub.publish("signals.generated", signalEvent(n)));
    // The connection blocks in Redis after those 50: what is written behind the BLPOP is not run.
    const gate = connection.blpop("pipelining-gate", 0).catch(() => "closed");
    const unanswered = range(50, 100).map((n) => pub.publish("signals.generated", signalEvent(n)));
    expect((await Promise.all(answered)).map((r) => r.status)).toEqual(Array(50).fill("published"));
    expect(pub.stats().inFlight).toBe(50);

    await admin.client("KILL", "ID", String(connectionId));
    expect(await gate).toBe("closed");
    const newer = range(100, 150).map((n) => pub.publish("signals.generated", signalEvent(n)));
    const results: PublishResult[] = await Promise.all([...unanswered, ...newer]);
    expect(results.map((r) => r.status)).toEqual(Array(100).fill("published"));
    await pub.publish("signals.generated", signalEvent(150));
    await waitFor(() => sub.received.at(-1)?.seq === 150, "the last message");

    // Exactly once each, in call order: 0-49 ran before the gate, 50-99 only after the reconnection.
    expect(sub.received.map((m) => m.seq)).toEqual(range(0, 151));
    // The first unanswered one failed; the 49 written after it were sent again with it, in order (and so
    // were any of the newer ones written before the publisher saw the connection go).
    expect(retried.slice(0, 50).map((e) => e.eventId)).toEqual(results.slice(0, 50).map((r) => r.eventId));
    expect(results.slice(0, 50).every((r) => r.status === "published" && r.attempts >= 2)).toBe(true);
  });

  it("a PUBLISH left without reply: it and every later one go again in order; each copy runs, the first copies in order", async () => {
    const redis = await server();
    const admin = await client(redis.url);
    const sub = await subscriber(redis.url);
    const pub = publisher({
      connection: { host: "127.0.0.1", port: redis.port },
      commandTimeoutMs: 200,
      retry: { maxAttempts: 20, initialDelayMs: 20, maxDelayMs: 100, maxElapsedMs: 30_000 },
    });
    const retried: PublisherEvents["retried"][] = [];
    pub.on("retried", (event) => retried.push(event));
    const first = await pub.publish("signals.generated", signalEvent(0)); // connected
    retried.length = 0; // a slow machine may have retried it already

    await admin.client("PAUSE", 30_000, "WRITE");
    cleanups.push(() => admin.client("UNPAUSE"));
    const stuck = range(1, 51).map((n) => pub.publish("signals.generated", signalEvent(n)));
    // Every one of them timed out (the first one failing, the 49 behind it going again with it).
    await waitFor(() => retried.length >= 50, "the first round of timeouts");
    expect(retried.slice(0, 50).every((e) => e.error instanceof PublishTimeoutError)).toBe(true);
    const newer = range(51, 61).map((n) => pub.publish("signals.generated", signalEvent(n)));
    await admin.client("UNPAUSE");

    const results = await Promise.all([...stuck, ...newer]);
    expect(results.map((r) => r.status)).toEqual(Array(60).fill("published"));
    // The connection never dropped, so every PUBLISH written ran, the late ones included.
    const written = [first, ...results].reduce(
      (sum, r) => sum + (r.status === "published" ? r.attempts : 0),
      0,
    );
    await waitFor(() => sub.received.length === written, "every copy", {
      state: () => ({ written, received: sub.received.length }),
    });
    expect(results.slice(0, 50).every((r) => r.status === "published" && r.attempts >= 2)).toBe(true);
    expect(dedupeByEventId(sub.received).map((m) => m.seq)).toEqual(range(0, 61));
  });
});

describe("pipelined replay", () => {
  it("replays the buffer with many PUBLISHes in flight, acknowledged in order: each message once, in order", async () => {
    const TOTAL = 2_000;
    const redis = await server();
    const dir = makeTempDir("replay");
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const journal = path.join(dir, "signals.journal");
    // A first publisher buffers everything in a journal while Redis is down, then closes.
    await redis.stop();
    const writer = createPublisher({
      connection: { host: "127.0.0.1", port: redis.port },
      buffer: { path: journal },
    });
    const buffered = await Promise.all(
      range(1, TOTAL + 1).map((n) => writer.publish("signals.generated", fixedEvent(n))),
    );
    expect(buffered.every((r) => r.status === "buffered" && r.durable)).toBe(true);
    await writer.close();

    // Redis back, but holding every PUBLISH: the second publisher's start-up replay cannot get a reply.
    await redis.restart();
    const admin = await client(redis.url);
    const sub = await subscriber(redis.url);
    await admin.client("PAUSE", 30_000, "WRITE");
    cleanups.push(() => admin.client("UNPAUSE"));
    const pub = publisher({
      connection: { host: "127.0.0.1", port: redis.port, connectionName: "replaying" },
      commandTimeoutMs: 30_000,
      buffer: { path: journal },
    });
    const replayed: PublisherEvents["replayed"][] = [];
    pub.on("replayed", (event) => replayed.push(event));
    // Redis's view: one PUBLISH waits for the pause and many more sit behind it, sent before any reply.
    const many = 100 * publishCommandBytes(fixedEvent(1));
    let seen = await queryBufferOf(admin, "replaying");
    for (let polls = 0; seen.qbuf < many && polls < 3_000; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      seen = await queryBufferOf(admin, "replaying");
    }
    expect(seen.qbuf).toBeGreaterThanOrEqual(many);
    expect(replayed).toEqual([]);
    await admin.client("UNPAUSE");

    await waitFor(
      () => pub.stats().bufferSize === 0 && sub.received.length === TOTAL,
      "every replayed message",
    );
    expect(sub.received.map((m) => m.seq)).toEqual(range(1, TOTAL + 1));
    expect(replayed.map((e) => e.eventId)).toEqual(buffered.map((r) => r.eventId));
    expect(pub.stats()).toMatchObject({ replayed: TOTAL, dropped: 0, bufferSize: 0 });
  });
});
