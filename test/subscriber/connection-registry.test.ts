// The connection and the subscription registry on their own, against a real redis-server: epochs and
// gap starts across a restart, connection errors, one Redis subscription per topic whatever the
// number of sinks, the gap reported once the topics are back (only for the topics a new epoch names, as
// on a cluster), and SSUBSCRIBE in sharded mode.
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { findFreePort, type RedisServerHandle } from "../../scripts/support/redis-server.js";
import {
  type ConnectionCallbacks,
  SubscriberConnection,
} from "../../src/subscriber/connection/connection.js";
import { SubscriptionRegistry } from "../../src/subscriber/connection/subscription-registry.js";
import { SubscriberConnectionError } from "../../src/subscriber/errors.js";
import type { Gap } from "../../src/subscriber/subscriber-events.js";
import { topicsFor } from "../../src/subscriber/topics.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { redisServerForTest } from "../support/redis-for-test.js";
import { waitFor } from "./wait-for.js";

const cleanups = cleanupAfterEach();

const server = (): Promise<RedisServerHandle> => redisServerForTest(cleanups);

function connect(port: number, callbacks: Partial<ConnectionCallbacks> = {}) {
  const readies: { epoch: number; gapFrom: Date | undefined }[] = [];
  const errors: Error[] = [];
  const connection = new SubscriberConnection(
    { host: "127.0.0.1", port, retryStrategy: () => 50 },
    undefined,
    {
      onReady: (epoch, gapFrom) => readies.push({ epoch, gapFrom }),
      onError: (error) => errors.push(error),
      onMessage: () => {},
      onPatternMessage: () => {},
      ...callbacks,
    },
  );
  cleanups.push(() => connection.close());
  return { connection, readies, errors };
}

/** A registry on `connection` that records its gaps. */
function registryOn(connection: SubscriberConnection, gaps: Gap[] = []): SubscriptionRegistry {
  return new SubscriptionRegistry(connection, {
    resubscribeDelayMs: 50,
    dedupFor: () => undefined,
    onGap: (gap) => gaps.push(gap),
    onError: () => {},
  });
}

/**
 * A connection and its registry wired as the subscriber wires them: a new epoch gives the topics in `lost` a
 * gap (every topic when undefined, as on one Redis).
 */
function connectedRegistry(port: number, lost?: ReadonlySet<string>) {
  const gaps: Gap[] = [];
  let registry: SubscriptionRegistry | undefined;
  const { connection } = connect(port, {
    onReady: (_epoch, gapFrom) => registry?.connected(gapFrom, lost),
  });
  registry = registryOn(connection, gaps);
  return { registry, gaps };
}

async function numsub(redis: RedisServerHandle, channel: string): Promise<number> {
  const client = new Redis(redis.url);
  try {
    const reply = (await client.call("PUBSUB", "NUMSUB", channel)) as [string, number];
    return Number(reply[1]);
  } finally {
    client.disconnect();
  }
}

describe("connection", () => {
  it("numbers each ready connection and hands the gap start to the next one after a restart", async () => {
    const redis = await server();
    const { connection, readies } = connect(redis.port);
    await waitFor(() => readies.length === 1, "the first ready");
    expect(readies[0]).toEqual({ epoch: 1, gapFrom: undefined });
    const before = Date.now();
    connection.alive(before);
    await redis.restart();
    await waitFor(() => readies.length === 2, "the ready after the restart");
    expect(readies[1]?.epoch).toBe(2);
    expect(readies[1]?.gapFrom?.getTime()).toBe(before); // the last moment it knew it was receiving
    expect(connection.reconnects).toBe(1);
  });

  it("reports every failed attempt as a SubscriberConnectionError, and stops at close()", async () => {
    const { connection, errors } = connect(await findFreePort());
    await waitFor(() => errors.length >= 2, "two failed attempts");
    expect(errors.every((e) => e instanceof SubscriberConnectionError)).toBe(true);
    expect(connection.ready).toBe(false);
    await connection.close();
    const reported = errors.length;
    await connection.close();
    expect(errors.length).toBe(reported);
  });
});

describe("subscription registry", () => {
  it("one Redis subscription per topic whatever the number of sinks; the last detach unsubscribes", async () => {
    const redis = await server();
    const { registry } = connectedRegistry(redis.port);
    const [signals] = topicsFor("signals.generated");
    const first = registry.attach([signals as NonNullable<typeof signals>], () => {});
    const second = registry.attach([signals as NonNullable<typeof signals>], () => {});
    expect(second.subscriptions[0]).toBe(first.subscriptions[0]);
    await registry.whenConfirmed([...first.subscriptions, ...second.subscriptions]);
    expect(await numsub(redis, "signals.generated")).toBe(1);
    await first.detach();
    expect(await numsub(redis, "signals.generated")).toBe(1);
    await second.detach();
    expect(await numsub(redis, "signals.generated")).toBe(0);
    expect(registry.all()).toEqual([]);
  });

  it("after a restart, resubscribes every topic and reports one gap naming them", async () => {
    const redis = await server();
    const { registry, gaps } = connectedRegistry(redis.port);
    const { subscriptions } = registry.attach(
      [...topicsFor("orders.executed"), ...topicsFor("price.updated.{symbol}")],
      () => {},
    );
    await registry.whenConfirmed(subscriptions);
    await redis.restart();
    await waitFor(() => gaps.length === 1, "the gap");
    expect(gaps[0]?.topics).toEqual(["orders.executed", "price.updated.*"]);
    await registry.whenConfirmed(subscriptions);
    expect(await numsub(redis, "orders.executed")).toBe(1);
  });

  it("a new epoch that names the topics that lost their node gives only those a gap (as on a cluster)", async () => {
    const redis = await server();
    const { registry, gaps } = connectedRegistry(redis.port, new Set(["orders.executed"]));
    const { subscriptions } = registry.attach(
      [...topicsFor("orders.executed"), ...topicsFor("signals.generated")],
      () => {},
    );
    await registry.whenConfirmed(subscriptions);
    await redis.restart();
    await waitFor(() => gaps.length === 1, "the gap");
    expect(gaps[0]?.topics).toEqual(["orders.executed"]);
    // Every topic was sent again on the new epoch, the ones without a gap too.
    await registry.whenConfirmed(subscriptions);
    expect(await numsub(redis, "signals.generated")).toBe(1);
  });
});

describe("sharded mode on a single Redis 7", () => {
  it("SSUBSCRIBEs an address, receives SPUBLISHed messages, and SUNSUBSCRIBEs it", async () => {
    const redis = await server();
    const messages: string[] = [];
    let registry: SubscriptionRegistry | undefined;
    const connection = new SubscriberConnection(
      { host: "127.0.0.1", port: redis.port },
      undefined,
      {
        onReady: (_epoch, gapFrom) => registry?.connected(gapFrom),
        onError: () => {},
        onMessage: (channel, message) => messages.push(`${channel} ${message}`),
        onPatternMessage: () => {},
      },
      "sharded",
    );
    cleanups.push(() => connection.close());
    registry = registryOn(connection);
    const { subscriptions, detach } = registry.attach(topicsFor("orders.executed"), () => {});
    await registry.whenConfirmed(subscriptions);
    const client = new Redis(redis.url);
    cleanups.push(() => client.quit());
    expect(await client.call("PUBSUB", "SHARDNUMSUB", "orders.executed")).toEqual(["orders.executed", 1]);
    expect(await client.call("PUBSUB", "NUMSUB", "orders.executed")).toEqual(["orders.executed", 0]);
    await client.spublish("orders.executed", "hello");
    await waitFor(() => messages.length === 1, "the sharded message");
    expect(messages).toEqual(["orders.executed hello"]);
    await detach();
    expect(await client.call("PUBSUB", "SHARDNUMSUB", "orders.executed")).toEqual(["orders.executed", 0]);
  });
});
