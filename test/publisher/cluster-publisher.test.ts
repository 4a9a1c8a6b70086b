// The publisher on a real Redis Cluster (3 masters, 1 replica each), classic and sharded. One cluster for the
// file: the tests that change it (a slot migration, then a failover) come last.
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChannelName, channelNames } from "../../generated/index.js";
import { type RedisClusterHandle, startRedisCluster } from "../../scripts/support/redis-cluster.js";
import { findFreePort } from "../../scripts/support/redis-server.js";
import { PublisherConfigError } from "../../src/publisher/connection/publisher-connection.js";
import { ConnectionNotReadyError, PublishError } from "../../src/publisher/errors.js";
import { prepareFor } from "../../src/publisher/message/publish-target.js";
import { createPublisher, type Publisher, type PublisherOptions } from "../../src/publisher/publisher.js";
import type { PublishMode } from "../../src/publisher/send/publish-transport.js";
import { setUserOnEveryNode } from "../support/acl-fixture.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { classicObserver, firstCopies, ShardedObserver } from "../support/cluster-observers.js";
import { firstExample } from "../support/examples.js";
import { oneTo, signalEvent, steadySignals, waitFor } from "../support/publisher-fixtures.js";

let cluster: RedisClusterHandle;
beforeAll(async () => {
  cluster = await startRedisCluster({ nodeTimeoutMs: 1_000, password: PASSWORD });
});
afterAll(() => cluster?.stop());
const cleanups = cleanupAfterEach();

const SIGNALS = "signals.generated";
// The cluster requires a password, as a production one would: every connection below passes it.
const PASSWORD = "cluster-secret";
const WITH_PASSWORD = { redisOptions: { password: PASSWORD } };

function clusterPublisher(mode: PublishMode, extra: Partial<PublisherOptions> = {}): Publisher {
  const publisher = createPublisher({
    connection: { cluster: cluster.startupNodes, clusterOptions: WITH_PASSWORD },
    mode,
    retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 100, maxElapsedMs: 300 },
    replay: { initialDelayMs: 20, maxDelayMs: 200 },
    ...extra,
  });
  cleanups.push(() => publisher.close());
  return publisher;
}

function observe(channel: string): ShardedObserver {
  const observer = new ShardedObserver(cluster, channel);
  cleanups.push(() => observer.close());
  return observer;
}

/** The address each channel's first example goes to (`price.updated.AAPL` for `price.updated.{symbol}`). */
function exampleAddresses(): Map<ChannelName, string> {
  return new Map(
    channelNames.map((channel) => [channel, prepareFor(channel, firstExample(channel), {}).address]),
  );
}

/** The cluster bus's pub/sub message counters of one node (CLUSTER INFO omits a counter that is still 0). */
async function busCounters(
  port: number,
): Promise<Record<"publishSent" | "publishReceived" | "shardSent" | "shardReceived", number>> {
  const client = cluster.connectTo(port);
  const info = String(await client.call("CLUSTER", "INFO"));
  client.disconnect();
  const count = (name: string) =>
    Number(new RegExp(`^cluster_stats_messages_${name}:(\\d+)`, "m").exec(info)?.[1] ?? 0);
  return {
    publishSent: count("publish_sent"),
    publishReceived: count("publish_received"),
    shardSent: count("publishshard_sent"),
    shardReceived: count("publishshard_received"),
  };
}

async function countersOfAll(): Promise<Map<number, Awaited<ReturnType<typeof busCounters>>>> {
  const nodes = (await cluster.nodes()).filter((node) => !node.failed);
  return new Map(
    await Promise.all(nodes.map(async (node) => [node.port, await busCounters(node.port)] as const)),
  );
}

/** waitFor with an asynchronous condition (a Redis query). */
async function waitForAsync(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * An SSUBSCRIBE observer on the signals channel's owner, and a steady stream of signals already flowing to it
 * from a publisher with minSubscribers 1: a message sent while the observer follows the slot is retried or
 * buffered, not lost.
 */
async function observedSignals() {
  const observer = observe(SIGNALS);
  await observer.moveToOwner();
  const publisher = clusterPublisher("sharded", { channels: { [SIGNALS]: { minSubscribers: 1 } } });
  const stream = steadySignals(publisher);
  await waitFor(() => observer.received.length >= 20, "the stream to flow");
  return { observer, publisher, stream };
}

/** Lets the stream go on for 20 more events after `what`, stops it, and expects every event in order. */
async function expectEverySignalAfter(
  { observer, publisher, stream }: Awaited<ReturnType<typeof observedSignals>>,
  what: string,
): Promise<void> {
  const at = stream.count();
  await waitFor(() => stream.count() >= at + 20, `the stream to go on after ${what}`);
  const published = await stream.stop();
  await waitFor(() => firstCopies(observer.received).length === published, "every event to arrive", {
    state: () => ({ published, received: firstCopies(observer.received).length, stats: publisher.stats() }),
  });
  expect(firstCopies(observer.received)).toEqual(oneTo(published));
}

describe("publisher on a Redis Cluster", () => {
  it("classic: every channel's event reaches a SUBSCRIBE on any node, a replica included", async () => {
    const addresses = exampleAddresses();
    const replica = (await cluster.nodes()).find((node) => node.role === "replica");
    const received = await classicObserver(cluster, replica?.port ?? -1, [...addresses.values()]);
    const publisher = clusterPublisher("classic");
    const sent = await Promise.all(
      channelNames.map((channel) => publisher.publish(channel, firstExample(channel) as never)),
    );
    expect(sent.map((result) => result.status)).toEqual(channelNames.map(() => "published"));
    await waitFor(() => received.length === channelNames.length, "every channel's event on the replica");
    expect(new Set(received.map((message) => message.channel))).toEqual(new Set(addresses.values()));
    expect(new Set(received.map((message) => message.eventId))).toEqual(
      new Set(sent.map((result) => result.eventId)),
    );
  });

  it("sharded: every channel's event reaches an SSUBSCRIBE on the master owning its slot, counted in the reply", async () => {
    const addresses = exampleAddresses();
    const observers = new Map<string, ShardedObserver>();
    for (const address of new Set(addresses.values())) {
      const observer = observe(address);
      await observer.moveToOwner();
      observers.set(address, observer);
    }
    const publisher = clusterPublisher("sharded");
    for (const [channel, address] of addresses) {
      const result = await publisher.publish(channel, firstExample(channel) as never);
      expect(result).toMatchObject({ status: "published", channel: address, subscribers: 1 });
      const observer = observers.get(address) as ShardedObserver;
      await waitFor(
        () => observer.received.some((message) => message.eventId === result.eventId),
        `${address} on its shard`,
      );
    }
  });

  it("broadcast versus locality: PUBLISH goes over the bus to all 5 other nodes, SPUBLISH only to the owner's replica", async () => {
    const owner = await cluster.masterFor(SIGNALS);
    const messages = 20;
    const before = await countersOfAll();

    const classic = clusterPublisher("classic");
    for (let n = 1; n <= messages; n++) await classic.publish(SIGNALS, signalEvent(n));
    const sharded = clusterPublisher("sharded");
    for (let n = 1; n <= messages; n++) await sharded.publish(SIGNALS, signalEvent(n));

    const afterSending = await countersOfAll();
    for (const [port, counters] of afterSending) {
      const was = before.get(port) ?? counters;
      // Counted when sent, before the reply: exact. Only the owner sends: every PUBLISH to a channel is pinned to it.
      expect(counters.publishSent - was.publishSent, `PUBLISH bus messages sent by ${port}`).toBe(
        port === owner.port ? messages * 5 : 0,
      );
      expect(counters.shardSent - was.shardSent, `SPUBLISH bus messages sent by ${port}`).toBe(
        port === owner.port ? messages : 0,
      );
    }
    // Received: every other node got each PUBLISH; only the owner's replica got the SPUBLISHes.
    const replica = (await cluster.nodes()).find((node) => node.masterId === owner.id);
    const received = (counters: Map<number, Awaited<ReturnType<typeof busCounters>>>) =>
      [...counters].every(([port, now]) => {
        const was = before.get(port) ?? now;
        const publishes = port === owner.port ? 0 : messages;
        const shards = port === replica?.port ? messages : 0;
        return (
          now.publishReceived - was.publishReceived === publishes &&
          now.shardReceived - was.shardReceived === shards
        );
      });
    await waitForAsync(
      async () => received(await countersOfAll()),
      "each node's bus counters to show what it received",
    );
  });

  it("classic PUBLISH on a cluster counts only its own node's subscribers, so minSubscribers needs sharded mode", async () => {
    const owner = await cluster.masterFor(SIGNALS);
    const elsewhere = (await cluster.nodes()).find((node) => node.role === "master" && node.id !== owner.id);
    const received = await classicObserver(cluster, elsewhere?.port ?? -1, [SIGNALS]);
    const publisher = clusterPublisher("classic");
    const result = await publisher.publish(SIGNALS, signalEvent(1));
    expect(result).toMatchObject({ status: "published", subscribers: 0 });
    await waitFor(() => received.length === 1, "the subscriber on another master to hear it anyway");

    expect(() => clusterPublisher("classic", { channels: { [SIGNALS]: { minSubscribers: 1 } } })).toThrow(
      PublisherConfigError,
    );
    expect(() => clusterPublisher("classic", { channels: { [SIGNALS]: { minSubscribers: 1 } } })).toThrow(
      /needs mode "sharded"/,
    );
  });

  it("sharded minSubscribers counts the shard's SSUBSCRIBE subscribers: buffered without one, replayed once one joins", async () => {
    const owner = await cluster.masterFor(SIGNALS);
    // A classic subscriber on the owner is not a sharded subscriber: SPUBLISH does not count it.
    const classic = await classicObserver(cluster, owner.port, [SIGNALS]);
    const publisher = clusterPublisher("sharded", { channels: { [SIGNALS]: { minSubscribers: 1 } } });
    const first = await publisher.publish(SIGNALS, signalEvent(1));
    expect(first).toMatchObject({ status: "buffered", reason: "publish-failed" });
    const observer = observe(SIGNALS);
    await observer.moveToOwner();
    // Until the replay's reply is in, the buffer still holds message 1, and message 2 would queue behind it.
    await waitFor(
      () => observer.received.length === 1 && publisher.stats().bufferSize === 0,
      "the buffered message replayed to the new subscriber",
    );
    expect(firstCopies(observer.received)).toEqual([1]);
    expect(await publisher.publish(SIGNALS, signalEvent(2))).toMatchObject({
      status: "published",
      subscribers: 1,
    });
    expect(classic).toEqual([]);
  });

  it.each(["classic", "sharded"] as const)(
    "%s: a new connection's first burst reaches every master without a retry, though ioredis connects to each lazily",
    async (mode) => {
      const publisher = clusterPublisher(mode);
      const symbols = Array.from({ length: 30 }, (_, i) => `S${i}`);
      const results = await Promise.all(
        symbols.map((symbol) =>
          publisher.publish("price.updated.{symbol}", { ...firstExample("price.updated.{symbol}"), symbol }),
        ),
      );
      expect(results.map((result) => result.status)).toEqual(symbols.map(() => "published"));
      expect(publisher.stats().retried).toBe(0);
    },
  );

  it("publishes on the caller's own Cluster client and leaves it open on close()", async () => {
    const client = new Cluster([...cluster.startupNodes], WITH_PASSWORD);
    cleanups.push(() => client.disconnect());
    const observer = observe(SIGNALS);
    await observer.moveToOwner();
    const publisher = createPublisher({ connection: client, mode: "sharded" });
    expect(await publisher.publish(SIGNALS, signalEvent(1))).toMatchObject({
      status: "published",
      subscribers: 1,
    });
    await publisher.close();
    expect(client.status).toBe("ready");
    await waitFor(() => observer.received.length === 1, "the message on its shard");
    const counted = { channels: { [SIGNALS]: { minSubscribers: 1 } } } as const;
    expect(() => createPublisher({ connection: client, ...counted })).toThrow(PublisherConfigError);
  });

  it("a wrong cluster password: the publish fails at once with WRONGPASS, not after waiting for a connection", async () => {
    const publisher = createPublisher({
      connection: { cluster: cluster.startupNodes, clusterOptions: { redisOptions: { password: "wrong" } } },
      retry: { maxElapsedMs: 60_000 }, // were it waiting, the test would time out
    });
    cleanups.push(() => publisher.close());
    const failure = await publisher
      .publish("orders.executed", firstExample("orders.executed"))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PublishError);
    expect((failure as PublishError).transient).toBe(false);
    expect((failure as PublishError).message).toMatch(/WRONGPASS/);
  }, 30_000);

  it.each(["classic", "sharded"] as const)(
    "%s: an ACL user who may not publish on the channel gets NOPERM at once: never retried, never buffered",
    async (mode) => {
      // It may publish on orders.* only.
      await setUserOnEveryNode(cluster, "orders-only", [
        "on",
        ">orders",
        "resetchannels",
        "&orders.*",
        "+@all",
      ]);
      const publisher = createPublisher({
        connection: {
          cluster: cluster.startupNodes,
          clusterOptions: { redisOptions: { username: "orders-only", password: "orders" } },
        },
        mode,
        retry: { maxElapsedMs: 60_000 }, // were it retrying, the test would time out
      });
      cleanups.push(() => publisher.close());
      const retried: unknown[] = [];
      publisher.on("retried", (event) => retried.push(event));
      expect(await publisher.publish("orders.executed", firstExample("orders.executed"))).toMatchObject({
        status: "published",
      });
      const failure = await publisher.publish(SIGNALS, signalEvent(1)).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PublishError);
      expect(failure).toMatchObject({ transient: false, attempts: 1, channel: SIGNALS });
      expect(String((failure as PublishError).cause)).toMatch(/NOPERM/);
      expect(retried).toEqual([]);
      expect(publisher.stats()).toMatchObject({ bufferSize: 0, buffered: 0 });
    },
    30_000,
  );

  it("an unreachable cluster: the publish waits for it within the retry budget, then fails with why", async () => {
    const closedPort = await findFreePort();
    const publisher = createPublisher({
      connection: { cluster: [{ host: "127.0.0.1", port: closedPort }] },
      retry: { maxElapsedMs: 200 },
    });
    cleanups.push(() => publisher.close());
    const failure = await publisher
      .publish("orders.executed", firstExample("orders.executed"))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PublishError);
    expect((failure as PublishError).cause).toBeInstanceOf(ConnectionNotReadyError);
    expect((failure as PublishError).message).toMatch(
      /not ready \(status (connecting|reconnecting|connect)\)/,
    );
  });

  it("a slot migration of a sharded channel's slot keeps delivery going: every event arrives, in order", async () => {
    const flow = await observedSignals();
    const { observer } = flow;
    const slot = await cluster.slotOf(SIGNALS);
    const from = await cluster.masterFor(SIGNALS);
    const to = (await cluster.nodes()).find((node) => node.role === "master" && node.id !== from.id);
    await cluster.migrateSlot(slot, to?.port ?? -1);
    await observer.moveToOwner(); // Redis SUNSUBSCRIBEd it on the old owner
    expect(observer.port).toBe(to?.port);
    await expectEverySignalAfter(flow, "the migration");
  });

  it("the fast path with an out-of-date slot map: the old owner's MOVED refreshes it, and the messages go again, in order, to the new one", async () => {
    // The caller's client without periodic refreshes: after the migration only a MOVED tells it.
    const client = new Cluster([...cluster.startupNodes], { ...WITH_PASSWORD, slotsRefreshInterval: 0 });
    cleanups.push(() => client.disconnect());
    const observer = observe(SIGNALS);
    await observer.moveToOwner();
    const publisher = createPublisher({ connection: client, mode: "sharded" });
    cleanups.push(() => publisher.close());
    expect(publisher.stats().sendPath).toEqual({ via: "fast" });
    expect(await publisher.publish(SIGNALS, signalEvent(1))).toMatchObject({ attempts: 1, subscribers: 1 });
    const retriedBecause: unknown[] = [];
    publisher.on("retried", (event) => retriedBecause.push(event.error));

    const from = await cluster.masterFor(SIGNALS);
    const to = (await cluster.nodes()).find((node) => node.role === "master" && node.id !== from.id);
    await cluster.migrateSlot(await cluster.slotOf(SIGNALS), to?.port ?? -1);
    await observer.moveToOwner();
    const results = await Promise.all(oneTo(20).map((n) => publisher.publish(SIGNALS, signalEvent(n + 1))));

    expect(results[0]).toMatchObject({ status: "published", attempts: 2, subscribers: 1 });
    expect(results.every((result) => result.status === "published")).toBe(true);
    expect(String(retriedBecause[0])).toMatch(/^ReplyError: MOVED \d+ /);
    await waitFor(() => observer.received.length >= 21, "every event on the new owner");
    expect(firstCopies(observer.received)).toEqual(oneTo(21));
  });

  it("the master owning a sharded channel's slot is killed: retried or buffered, then replayed in order, nothing lost", async () => {
    const flow = await observedSignals();
    const { observer, publisher } = flow;
    const victim = await cluster.masterFor(SIGNALS);
    const promoted = await cluster.killMaster(victim.port);
    await observer.moveToOwner();
    expect(observer.port).toBe(promoted.port);
    await expectEverySignalAfter(flow, "the failover");
    // The outage reached the publisher: it retried or buffered rather than losing anything.
    const stats = publisher.stats();
    expect(stats.retried + stats.buffered).toBeGreaterThan(0);
  });
});
