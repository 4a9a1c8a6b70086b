// The publisher against real redis-server processes: what a publish resolves to, what never reaches
// Redis, which failures are retried, how the fallback buffer keeps order and bounds, and close().
import { Redis } from "ioredis";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  type RedisServerHandle,
  startRedisServer,
  stopAllRedisServers,
} from "../../scripts/support/redis-server.js";
import { ContractValidationError, UnknownChannelError } from "../../src/errors.js";
import { FallbackBufferFullError } from "../../src/publisher/buffer/fallback-buffer.js";
import {
  PublishError,
  type Publisher,
  PublisherClosedError,
  type PublisherEventName,
  type PublisherEvents,
  type PublisherOptions,
} from "../../src/publisher/index.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import {
  dedupeByEventId,
  type RecordingSubscriber,
  recordingSubscriber,
  signalEvent,
  waitFor,
} from "../support/publisher-fixtures.js";
import { createPublisher } from "../support/publisher-under-test.js";

const cleanups = cleanupAfterEach();
afterAll(stopAllRedisServers);

// Short budgets so that giving up is quick; ordering and counting are what the tests check.
const FAST: Partial<PublisherOptions> = {
  retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 50, maxElapsedMs: 500 },
  replay: { initialDelayMs: 20, maxDelayMs: 200 },
};

async function server(args: readonly string[] = []): Promise<RedisServerHandle> {
  const handle = await startRedisServer({ args });
  cleanups.push(() => handle.stop());
  return handle;
}

function publisher(options: PublisherOptions): Publisher {
  const created = createPublisher({ ...FAST, ...options });
  cleanups.push(() => created.close());
  return created;
}

function ownedConnection(url: string): PublisherOptions["connection"] {
  const { port } = new URL(url);
  return { host: "127.0.0.1", port: Number(port), retryStrategy: () => 20 };
}

async function subscriber(url: string, channels: readonly string[]): Promise<RecordingSubscriber> {
  const recording = await recordingSubscriber(url, channels);
  cleanups.push(() => recording.close());
  return recording;
}

function admin(url: string): Redis {
  const client = new Redis(url);
  client.on("error", () => {});
  cleanups.push(() => client.disconnect());
  return client;
}

/** Records every event of the given kinds, in order. */
function recordEvents<E extends PublisherEventName>(target: Publisher, names: readonly E[]) {
  const events: { name: E; event: PublisherEvents[E] }[] = [];
  for (const name of names) target.on(name, (event) => events.push({ name, event }));
  return {
    events,
    of: <K extends E>(name: K) =>
      events.filter((e) => e.name === name).map((e) => e.event as PublisherEvents[K]),
  };
}

async function publishCalls(client: Redis): Promise<{ calls: number; rejected: number }> {
  const info = await client.info("commandstats");
  const line = /cmdstat_publish:calls=(\d+),.*rejected_calls=(\d+)/.exec(info);
  return { calls: Number(line?.[1] ?? 0), rejected: Number(line?.[2] ?? 0) };
}

async function connected(client: Redis): Promise<void> {
  if (client.status !== "ready") await new Promise((resolve) => client.once("ready", resolve));
}

describe("publish", () => {
  it("resolves to the number of subscribers reached, with the exact wire body delivered", async () => {
    const redis = await server();
    const pub = publisher({ connection: ownedConnection(redis.url) });
    const nobody = await pub.publish("signals.generated", { ...signalEvent(1), timestamp: new Date(0) });
    expect(nobody).toMatchObject({ status: "published", channel: "signals.generated", subscribers: 0 });

    const sub = await subscriber(redis.url, ["signals.generated", "price.updated.*"]);
    const result = await pub.publish("signals.generated", signalEvent(2));
    expect(result).toMatchObject({ status: "published", subscribers: 1, attempts: 1 });
    const price = await pub.publish("price.updated.{symbol}", {
      event_type: "price.updated",
      symbol: "BRK.B",
      price: "480.10",
      timestamp: new Date(Date.UTC(2025, 0, 18)),
    });
    expect(price).toMatchObject({ status: "published", channel: "price.updated.BRK.B", subscribers: 1 });

    await waitFor(() => sub.received.length === 2, "two messages");
    expect(sub.received[0]?.eventId).toBe(result.eventId);
    expect(JSON.parse(sub.received[1]?.body ?? "")).toEqual({
      event_type: "price.updated",
      symbol: "BRK.B",
      price: "480.10",
      timestamp: "2025-01-18T00:00:00.000Z",
      event_id: price.eventId,
    });
    expect(sub.received[1]?.channel).toBe("price.updated.BRK.B");

    // A concrete address, as the CLI and the test kit take it: the payload's symbol agrees with it.
    const byAddress = await pub.publish("price.updated.MSFT", {
      event_type: "price.updated",
      symbol: "MSFT",
      price: "410.00",
      timestamp: "2025-01-18T00:00:00Z",
    });
    expect(byAddress).toMatchObject({ status: "published", channel: "price.updated.MSFT", subscribers: 1 });
    await waitFor(() => sub.received.length === 3, "the message sent to a concrete address");
    expect(sub.received[2]?.channel).toBe("price.updated.MSFT");
  });

  it.each([
    ["a misspelled channel name", "signals.generatd", "signals.generated"],
    ["a misspelled concrete address", "prices.updated.AAPL", "price.updated.{symbol}"],
    ["a name of no channel at all", "heartbeat", undefined],
  ])(
    "rejects %s with UnknownChannelError naming the closest channel; nothing is sent",
    async (_name, target, closest) => {
      const redis = await server();
      const client = admin(redis.url);
      const pub = publisher({ connection: ownedConnection(redis.url) });
      const error = await (pub.publish as (t: string, p: unknown) => Promise<unknown>)(
        target,
        signalEvent(1),
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UnknownChannelError);
      expect(error).toMatchObject({ address: target, closestChannel: closest });
      expect(await publishCalls(client)).toEqual({ calls: 0, rejected: 0 });
    },
  );

  it("connects a connection of its own even when asked for lazyConnect", async () => {
    const redis = await server();
    const pub = publisher({ connection: { host: "127.0.0.1", port: redis.port, lazyConnect: true } });
    expect(await pub.publish("signals.generated", signalEvent(1))).toMatchObject({ status: "published" });
  });

  it("never sends an invalid payload or a glob-character symbol: one typed error, every reason", async () => {
    const redis = await server();
    const client = admin(redis.url);
    const sub = await subscriber(redis.url, ["*"]);
    const pub = publisher({ connection: ownedConnection(redis.url) });
    const attempts: [string, () => Promise<unknown>, string[]][] = [
      [
        "invalid signal",
        () => pub.publish("signals.generated", { ...signalEvent(1), symbols: [], strategy_id: "" }),
        ["/symbols", "/strategy_id"],
      ],
      [
        "glob symbol",
        () =>
          pub.publish("price.updated.{symbol}", {
            event_type: "price.updated",
            symbol: "AA*",
            price: "1",
            timestamp: "2025-01-18T00:00:00Z",
          }),
        ["/symbol"],
      ],
      [
        "explicit symbol disagreeing",
        () =>
          pub.publish(
            "price.updated.{symbol}",
            { event_type: "price.updated", symbol: "AAPL", price: "1", timestamp: "2025-01-18T00:00:00Z" },
            { symbol: "MSFT" },
          ),
        ["/symbol"],
      ],
      [
        "concrete address whose symbol the payload contradicts",
        () =>
          pub.publish("price.updated.MSFT", {
            event_type: "price.updated",
            symbol: "AAPL",
            price: "1",
            timestamp: "2025-01-18T00:00:00Z",
          }),
        ["/symbol"],
      ],
      [
        "concrete address and an explicit symbol that disagree (untyped caller)",
        () =>
          (pub.publish as (t: string, p: unknown, o: unknown) => Promise<unknown>)(
            "price.updated.MSFT",
            { event_type: "price.updated", symbol: "MSFT", price: "1", timestamp: "2025-01-18T00:00:00Z" },
            { symbol: "AAPL" },
          ),
        [""],
      ],
    ];
    for (const [name, attempt, pointers] of attempts) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(ContractValidationError);
      const reported = (error as ContractValidationError).reasons.map((r) => r.pointer);
      for (const pointer of pointers) expect(reported, name).toContain(pointer);
    }
    expect(await publishCalls(client)).toEqual({ calls: 0, rejected: 0 });
    // The subscriber is live: a valid message does arrive, so the silence above means something.
    await pub.publish("signals.generated", signalEvent(7));
    await waitFor(() => sub.received.length === 1, "the valid message");
    expect(sub.received.map((m) => m.seq)).toEqual([7]);
  });

  it("surfaces NOPERM at once: one PUBLISH, never retried, never buffered", async () => {
    const redis = await server([
      "--user",
      "pub",
      "on",
      "nopass",
      "~*",
      "resetchannels",
      "&allowed.*",
      "+@all",
    ]);
    const { port } = new URL(redis.url);
    const pub = publisher({
      connection: { host: "127.0.0.1", port: Number(port), username: "pub", password: "any" },
    });
    const seen = recordEvents(pub, ["retried", "buffered"]);
    const error = await pub.publish("signals.generated", signalEvent(1)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ transient: false, attempts: 1, channel: "signals.generated" });
    expect(String((error as PublishError).cause)).toMatch(/^ReplyError: NOPERM/);
    expect(seen.events).toEqual([]);
    expect(pub.stats().bufferSize).toBe(0);
    // Redis counts an ACL denial as rejected, not as a call: exactly one PUBLISH reached it.
    expect(await publishCalls(admin(redis.url))).toEqual({ calls: 0, rejected: 1 });
  });

  it("surfaces WRONGPASS as a non-transient failure instead of buffering", async () => {
    const redis = await server(["--requirepass", "right"]);
    const { port } = new URL(redis.url);
    const pub = publisher({
      connection: { host: "127.0.0.1", port: Number(port), password: "wrong", retryStrategy: () => 20 },
    });
    const error = await pub.publish("signals.generated", signalEvent(1)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ transient: false });
    expect(String((error as PublishError).cause)).toMatch(/WRONGPASS/);
    expect(pub.stats()).toMatchObject({ bufferSize: 0, buffered: 0 });
  });

  it("does not wait in a caller's offline queue: with Redis down it buffers, and Redis later gets one copy", async () => {
    const redis = await server();
    // A caller's client with ioredis defaults: offline queue on, 20 retries per request.
    const client = new Redis(redis.url, { retryStrategy: () => 20 });
    client.on("error", () => {});
    cleanups.push(() => client.disconnect());
    await connected(client);
    const pub = publisher({ connection: client, channels: { "signals.generated": { minSubscribers: 1 } } });
    const sub = await subscriber(redis.url, ["signals.generated"]);
    await redis.kill();
    await waitFor(() => client.status !== "ready", "the client to notice");
    // With the offline queue this would hang until ioredis gave up; the test timeout would fail it.
    const result = await pub.publish("signals.generated", signalEvent(1));
    expect(result).toMatchObject({ status: "buffered", reason: "publish-failed", durable: false });
    await redis.restart();
    await waitFor(() => sub.received.length >= 1 && pub.stats().bufferSize === 0, "the replay");
    await pub.publish("signals.generated", signalEvent(2));
    await waitFor(() => sub.received.length >= 2, "the marker message");
    expect(sub.received.map((m) => m.seq)).toEqual([1, 2]);
    await pub.close();
    expect(client.status).toBe("ready"); // close() leaves a caller's client alone
  });

  it("retries a PUBLISH left without reply, bounded; the unknown outcomes arrive later as identifiable duplicates", async () => {
    const redis = await server();
    const sub = await subscriber(redis.url, ["orders.executed"]);
    const pub = publisher({
      connection: ownedConnection(redis.url),
      commandTimeoutMs: 200,
      retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 20, maxElapsedMs: 10_000 },
    });
    const seen = recordEvents(pub, ["retried", "buffered"]);
    const order = {
      event_type: "orders.executed" as const,
      timestamp: "2025-01-18T09:00:00Z",
      run_id: "550e8400-e29b-41d4-a716-446655440000",
      strategy_id: "s",
      num_orders: 1,
      num_accepted: 1,
      num_rejected: 0,
    };
    await pub.publish("orders.executed", order);
    // Redis holds every command for 3 s: each PUBLISH times out on the client, yet will run afterwards.
    await admin(redis.url).client("PAUSE", 3_000, "ALL");
    const error = await pub.publish("orders.executed", order).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ transient: true, attempts: 3, channel: "orders.executed" });
    expect(seen.of("retried").map((e) => e.attempt)).toEqual([1, 2]);
    expect(seen.of("buffered")).toEqual([]); // orders.executed has no fallback buffer by default
    await waitFor(() => sub.received.length === 4, "the paused PUBLISHes to run", { timeoutMs: 20_000 });
    const late = sub.received.slice(1);
    expect(new Set(late.map((m) => m.eventId))).toEqual(new Set([(error as PublishError).eventId]));
    expect(dedupeByEventId(sub.received)).toHaveLength(2);
  });

  it("prints nothing itself, and reports to an injected logger", async () => {
    const redis = await server();
    const printed = [vi.spyOn(console, "log"), vi.spyOn(console, "warn"), vi.spyOn(console, "error")];
    const writes = vi.spyOn(process.stderr, "write");
    cleanups.push(() => {
      for (const spy of [...printed, writes]) spy.mockRestore();
    });
    const logged: string[] = [];
    const quiet = publisher({ connection: ownedConnection(redis.url) });
    const chatty = publisher({
      connection: ownedConnection(redis.url),
      logger: { warn: (message) => logged.push(message), debug: (message) => logged.push(message) },
    });
    await redis.kill();
    await quiet.publish("signals.generated", signalEvent(1));
    await chatty.publish("signals.generated", signalEvent(1));
    await new Promise((resolve) => setTimeout(resolve, 200)); // reconnect attempts, with their error events
    for (const spy of printed) expect(spy).not.toHaveBeenCalled();
    expect(writes).not.toHaveBeenCalled();
    expect(logged).toContain("publisher: Redis unavailable, message buffered");
  });
});

describe("fallback buffer", () => {
  it("drop-oldest: a full buffer evicts the oldest, counts and reports each drop, replays the rest in order", async () => {
    const redis = await server();
    const pub = publisher({
      connection: ownedConnection(redis.url),
      buffer: { capacity: 5 },
      channels: { "signals.generated": { minSubscribers: 1 } },
    });
    const seen = recordEvents(pub, ["buffered", "dropped", "replayed", "bufferSize"]);
    await redis.kill();
    const results = [];
    for (let n = 1; n <= 12; n++) results.push(await pub.publish("signals.generated", signalEvent(n)));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill("buffered"));
    expect(results.map((r) => (r.status === "buffered" ? r.reason : ""))).toEqual([
      "publish-failed",
      ...Array(11).fill("behind-buffered"),
    ]);
    expect(seen.of("dropped").map((e) => e.eventId)).toEqual(results.slice(0, 7).map((r) => r.eventId));
    expect(seen.of("dropped").map((e) => e.droppedTotal)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(pub.stats()).toMatchObject({ dropped: 7, bufferSize: 5, buffered: 12 });
    expect(Math.max(...seen.of("bufferSize").map((e) => e.size))).toBe(5);

    await redis.restart();
    const sub = await subscriber(redis.url, ["signals.generated"]);
    await waitFor(() => pub.stats().bufferSize === 0, "the replay");
    expect(seen.of("replayed").map((e) => e.eventId)).toEqual(results.slice(7).map((r) => r.eventId));
    await pub.publish("signals.generated", signalEvent(13));
    await waitFor(() => sub.received.length >= 6, "the replayed and the next message");
    expect(sub.received.map((m) => m.seq)).toEqual([8, 9, 10, 11, 12, 13]);
  });

  it("reject-new: a full buffer refuses the new message with a PublishError", async () => {
    const redis = await server();
    const pub = publisher({
      connection: ownedConnection(redis.url),
      buffer: { capacity: 2, overflow: "reject-new" },
    });
    await redis.kill();
    await pub.publish("signals.generated", signalEvent(1));
    await pub.publish("signals.generated", signalEvent(2));
    const error = await pub.publish("signals.generated", signalEvent(3)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).cause).toBeInstanceOf(FallbackBufferFullError);
    expect(pub.stats()).toMatchObject({ bufferSize: 2, dropped: 0 });
  });

  it("keeps order while buffered: new messages queue behind, replay goes oldest first", async () => {
    const redis = await server();
    const sub = await subscriber(redis.url, ["signals.generated"]);
    const pub = publisher({
      connection: ownedConnection(redis.url),
      channels: { "signals.generated": { minSubscribers: 1 } },
    });
    const seen = recordEvents(pub, ["buffered", "replayed", "replayStopped"]);
    for (let n = 0; n < 50; n++) await pub.publish("signals.generated", signalEvent(n));
    // "Published to 1 subscriber" is not "received": Redis may still hold the message in the subscriber's
    // output buffer, and a SIGKILL loses it (README, "Delivery guarantee"). Kill once the 50 have arrived.
    await waitFor(() => sub.received.length >= 50, "the first 50 to arrive");
    await redis.kill();
    // Not awaited one by one: concurrent calls must still go out in call order.
    const pending = [];
    for (let n = 50; n < 300; n++) pending.push(pub.publish("signals.generated", signalEvent(n)));
    await waitFor(() => seen.of("buffered").length > 0, "something to be buffered");
    await redis.restart();
    const results = await Promise.all(pending);
    await waitFor(() => pub.stats().bufferSize === 0 && sub.received.length >= 300, "everything to arrive", {
      state: () => ({ ...pub.stats(), received: sub.received.length }),
    });
    expect(dedupeByEventId(sub.received).map((m) => m.seq)).toEqual(Array.from({ length: 300 }, (_, n) => n));
    expect(results.filter((r) => r.status === "buffered").length).toBeGreaterThan(0);
  });

  it("close() is idempotent, settles accepted publishes, and refuses new ones", async () => {
    const redis = await server();
    const pub = createPublisher({ ...FAST, connection: ownedConnection(redis.url) });
    await redis.kill();
    const accepted = pub.publish("signals.generated", signalEvent(1));
    const first = pub.close();
    expect(pub.close()).toBe(first);
    await first;
    expect(await accepted).toMatchObject({ status: "buffered" });
    await expect(pub.publish("signals.generated", signalEvent(2))).rejects.toBeInstanceOf(
      PublisherClosedError,
    );
  });
});
