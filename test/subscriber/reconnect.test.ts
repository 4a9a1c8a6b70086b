// The subscription is never lost silently: a restarted Redis, a slow subscriber cut off by
// client-output-buffer-limit, a refused resubscribe (NOPERM) and a frozen server all end in a
// resubscription and a `gap` event, with nothing unhandled on the way.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";
import type { SubscriberConnectionOptions } from "../../src/subscriber/create-subscriber.js";
import {
  createSubscriber,
  type Gap,
  HeartbeatTimeoutError,
  SubscribeFailedError,
  type Subscriber,
  type SubscriberOptions,
} from "../../src/subscriber/index.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { waitFor } from "./wait-for.js";

const cleanups = cleanupAfterEach();

async function server(args: string[] = []): Promise<RedisServerHandle> {
  const started = await startRedisServer({ args });
  cleanups.push(() => started.stop());
  return started;
}

function client(handle: RedisServerHandle): Redis {
  const redis = new Redis(handle.url, { retryStrategy: () => 100 });
  redis.on("error", () => {});
  cleanups.push(() => redis.quit().catch(() => redis.disconnect()));
  return redis;
}

function watched(handle: RedisServerHandle, options: Partial<SubscriberOptions> = {}) {
  const gaps: Gap[] = [];
  const errors: Error[] = [];
  const subscriber: Subscriber = createSubscriber({
    connection: { host: "127.0.0.1", port: handle.port, retryStrategy: () => 100 },
    heartbeat: false,
    resubscribeDelayMs: 100,
    onGap: (gap) => gaps.push(gap),
    onError: (error) => errors.push(error),
    onInvalid: () => {},
    ...options,
  });
  cleanups.push(() => subscriber.close());
  return { subscriber, gaps, errors };
}

const signal = (n: number, strategy = "alpha_baseline") =>
  JSON.stringify({
    event_type: "signals.generated",
    timestamp: "2025-01-18T09:00:00Z",
    strategy_id: strategy,
    symbols: ["AAPL"],
    num_signals: n,
    as_of_date: "2025-01-17",
  });

/** Publishes until the subscriber gets one: after a gap, the first publish may precede the resubscribe. */
async function expectDelivery(publisher: Redis, seen: () => number[], n: number): Promise<void> {
  await waitFor(async () => {
    await publisher.publish("signals.generated", signal(n));
    return seen().includes(n);
  }, `message ${n} to arrive after the gap`);
}

function expectGap(gap: Gap | undefined, before: Date): void {
  expect(gap).toBeDefined();
  expect(gap?.from.getTime()).toBeGreaterThanOrEqual(before.getTime());
  expect(gap?.to.getTime()).toBeGreaterThanOrEqual(gap?.from.getTime() ?? Number.POSITIVE_INFINITY);
}

describe("reconnect", () => {
  it("resubscribes after Redis restarts under a running subscriber, and reports the gap", async () => {
    const redis = await server();
    const publisher = client(redis);
    const { subscriber, gaps } = watched(redis);
    const seen: number[] = [];
    const symbols: string[] = [];
    await subscriber.handle("signals.generated", (event) => {
      seen.push(event.num_signals);
    });
    await subscriber.handle("price.updated.{symbol}", (_event, { parameters }) => {
      symbols.push(parameters.symbol);
    });
    const before = new Date();
    await expectDelivery(publisher, () => seen, 1);

    await redis.restart();
    await waitFor(() => gaps.length === 1, "the gap event");
    expectGap(gaps[0], before);
    expect([...(gaps[0]?.topics ?? [])].sort()).toEqual(["price.updated.*", "signals.generated"]);
    expect(subscriber.stats().reconnects).toBe(1);

    await expectDelivery(publisher, () => seen, 2);
    await publisher.publish(
      "price.updated.BRK.B",
      JSON.stringify({
        event_type: "price.updated",
        symbol: "BRK.B",
        price: "480.10",
        timestamp: "2025-01-18T09:00:00Z",
      }),
    );
    await waitFor(() => symbols.includes("BRK.B"), "the pattern subscription to be back");
  });

  it("a slow subscriber cut off by client-output-buffer-limit pubsub resubscribes and reports the gap", async () => {
    const redis = await server(["--client-output-buffer-limit", "pubsub 64kb 32kb 1"]);
    const publisher = client(redis);
    const { subscriber, gaps } = watched(redis);
    const seen: number[] = [];
    let stalled = false;
    let flood: ChildProcess | undefined;
    await subscriber.handle("signals.generated", (event) => {
      seen.push(event.num_signals);
      if (event.num_signals !== 0 || stalled) return;
      stalled = true;
      // A consumer stuck in synchronous work: it reads nothing until Redis has dropped it.
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && subscribersOf(redis.port, "signals.generated") > 0) {
        spawnSync("sleep", ["0.05"]);
      }
      // Cut off: end the flood now, so that the resubscribed consumer is not flooded again.
      flood?.kill("SIGKILL");
    });
    const before = new Date();
    flood = floodSignals(redis.port);
    const flooding = flood;
    cleanups.push(() => stopProcess(flooding));

    await waitFor(() => gaps.length >= 1, "the gap after the cut-off", 40_000);
    await waitFor(() => /output buffer limits/.test(redis.output()), "Redis to log the cut-off");
    expectGap(gaps[0], before);
    expect(subscriber.stats().reconnects).toBeGreaterThanOrEqual(1);
    await stopProcess(flooding);
    await expectDelivery(publisher, () => seen, 7);
  });

  it("a refused resubscribe (NOPERM) is reported and retried, never an unhandled rejection", async () => {
    const redis = await server();
    const admin = client(redis);
    await admin.call("ACL", "SETUSER", "consumer", "on", ">secret", "~*", "&*", "+@all");
    const { subscriber, gaps, errors } = watched(redis, {
      connection: {
        host: "127.0.0.1",
        port: redis.port,
        username: "consumer",
        password: "secret",
        retryStrategy: () => 100,
      },
    });
    const seen: number[] = [];
    await subscriber.handle("signals.generated", (event) => {
      seen.push(event.num_signals);
    });
    const before = new Date();
    await expectDelivery(admin, () => seen, 1);

    // Taking the channel away disconnects the subscriber; its resubscribe is then refused.
    await admin.call("ACL", "SETUSER", "consumer", "resetchannels", "&orders.*");
    await admin.call("CLIENT", "KILL", "USER", "consumer").catch(() => undefined);
    await waitFor(
      () => errors.filter((e) => e instanceof SubscribeFailedError).length >= 2,
      "refusals, retried",
    );
    const refusal = errors.find((e) => e instanceof SubscribeFailedError) as SubscribeFailedError;
    expect(refusal.topic).toBe("signals.generated");
    expect(String(refusal.cause)).toMatch(/NOPERM/);
    expect(gaps).toEqual([]);

    await admin.call("ACL", "SETUSER", "consumer", "allchannels");
    await waitFor(() => gaps.length === 1, "the gap once the subscription is allowed again");
    expectGap(gaps[0], before);
    await expectDelivery(admin, () => seen, 2);
  });

  it("one topic that stays refused does not withhold the gap of the topics that resubscribed", async () => {
    const redis = await server();
    const admin = client(redis);
    await admin.call("ACL", "SETUSER", "consumer", "on", ">secret", "~*", "&*", "+@all");
    const { subscriber, gaps, errors } = watched(redis, { connection: asConsumer(redis) });
    const signals: number[] = [];
    const orders: number[] = [];
    await subscriber.handle("signals.generated", (event) => {
      signals.push(event.num_signals);
    });
    await subscriber.handle("orders.executed", (event) => {
      orders.push(event.num_orders);
    });
    const before = new Date();
    await expectDelivery(admin, () => signals, 1);

    await admin.call("ACL", "SETUSER", "consumer", "resetchannels", "&orders.*");
    await admin.call("CLIENT", "KILL", "USER", "consumer").catch(() => undefined);
    await waitFor(() => gaps.length === 1, "the gap of the topic that is back");
    expect(gaps[0]?.topics).toEqual(["orders.executed"]);
    expectGap(gaps[0], before);
    expect(errors.some((e) => e instanceof SubscribeFailedError && e.topic === "signals.generated")).toBe(
      true,
    );
    await waitFor(async () => {
      await admin.publish("orders.executed", order(3));
      return orders.includes(3);
    }, "orders to flow again while signals stay refused");

    await admin.call("ACL", "SETUSER", "consumer", "allchannels");
    await waitFor(() => gaps.length === 2, "the refused topic's own gap once it is back");
    expect(gaps[1]?.topics).toEqual(["signals.generated"]);
    expect(gaps[1]?.from).toEqual(gaps[0]?.from); // both were lost at the same moment
    await expectDelivery(admin, () => signals, 2);
  });

  it("a frozen server is detected by the heartbeat; the subscriber reconnects when it thaws", async () => {
    const redis = await server();
    const publisher = client(redis);
    const { subscriber, gaps, errors } = watched(redis, {
      heartbeat: { intervalMs: 100, timeoutMs: 500 },
      connection: { host: "127.0.0.1", port: redis.port, retryStrategy: () => 100, connectTimeout: 500 },
    });
    const seen: number[] = [];
    await subscriber.handle("signals.generated", (event) => {
      seen.push(event.num_signals);
    });
    const before = new Date();
    await expectDelivery(publisher, () => seen, 1);
    const pid = redis.pid as number;
    process.kill(pid, "SIGSTOP");
    cleanups.push(async () => process.kill(pid, "SIGCONT"));
    try {
      await waitFor(() => errors.some((e) => e instanceof HeartbeatTimeoutError), "a heartbeat timeout");
    } finally {
      process.kill(pid, "SIGCONT");
    }
    await waitFor(() => gaps.length >= 1, "the gap after the thaw");
    expectGap(gaps[0], before);
    await expectDelivery(publisher, () => seen, 2);
  });
});

describe("a refused first SUBSCRIBE", () => {
  async function restricted() {
    const redis = await server();
    const admin = client(redis);
    // The consumer may read orders only.
    await admin.call(
      "ACL",
      "SETUSER",
      "consumer",
      "on",
      ">secret",
      "~*",
      "resetchannels",
      "&orders.*",
      "+@all",
    );
    return { redis, admin, ...watched(redis, { connection: asConsumer(redis) }) };
  }

  it("handle() rejects with SubscribeFailedError instead of waiting forever; nothing is retried", async () => {
    const { admin, subscriber, errors } = await restricted();
    const attempt = subscriber.handle("signals.generated", () => {});
    await expect(attempt).rejects.toBeInstanceOf(SubscribeFailedError);
    const failure = (await attempt.catch((error: unknown) => error)) as SubscribeFailedError;
    expect(failure.topic).toBe("signals.generated");
    expect(failure.retryInMs).toBeUndefined();
    expect(String(failure.cause)).toMatch(/NOPERM/);
    // The subscriber carries on: an allowed channel subscribes and delivers, and the refused one is
    // not retried behind the caller's back (the caller was told).
    const orders: number[] = [];
    await subscriber.handle("orders.executed", (event) => {
      orders.push(event.num_orders);
    });
    await admin.publish("orders.executed", order(4));
    await waitFor(() => orders.includes(4), "the allowed channel's message");
    await subscriber.subscribed();
    expect(errors).toEqual([]);
  });

  it("a stream's subscribed rejects, and the loop ends with the same SubscribeFailedError", async () => {
    const { subscriber } = await restricted();
    const stream = subscriber.stream(["orders.executed", "signals.generated"], { overflow: "error" });
    await expect(stream.subscribed).rejects.toBeInstanceOf(SubscribeFailedError);
    let failure: unknown;
    try {
      for await (const _item of stream) break;
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(SubscribeFailedError);
    expect((failure as SubscribeFailedError).topic).toBe("signals.generated");
  });
});

function asConsumer(handle: RedisServerHandle): SubscriberConnectionOptions {
  return {
    host: "127.0.0.1",
    port: handle.port,
    username: "consumer",
    password: "secret",
    retryStrategy: () => 100,
  };
}

const order = (n: number) =>
  JSON.stringify({
    event_type: "orders.executed",
    timestamp: "2025-01-18T09:00:00Z",
    run_id: "8c0e3c3e-5a9f-4a53-9d61-0d8c6f3f0b1a",
    strategy_id: "alpha_baseline",
    num_orders: n,
    num_accepted: n,
    num_rejected: 0,
  });

function subscribersOf(port: number, channel: string): number {
  const result = spawnSync("redis-cli", ["-p", String(port), "--raw", "PUBSUB", "NUMSUB", channel], {
    encoding: "utf8",
  });
  return Number(result.stdout.trim().split("\n")[1] ?? "0");
}

/** Another process publishing big messages as fast as Redis takes them, so the event loop here is not needed. */
function floodSignals(port: number): ChildProcess {
  const payload = signal(0, "x".repeat(16 * 1024));
  const child = spawn(
    "redis-benchmark",
    [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-c",
      "2",
      "-P",
      "32",
      "-n",
      "20000",
      "PUBLISH",
      "signals.generated",
      payload,
    ],
    { stdio: "ignore" },
  );
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
