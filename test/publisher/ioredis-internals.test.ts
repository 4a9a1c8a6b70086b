// The guard on ioredis's internals: the probe accepts the installed ioredis and the oldest one the range
// allows, and turns down each shape the fast path could not use, saying why. A publisher whose ioredis or
// client does not fit says so once and sends through the public API: every message arrives, in order.
import { Cluster, Command, Redis } from "ioredis";
import {
  Cluster as ClusterOfAnotherCopy,
  Redis as RedisOfAnotherCopy,
  Command as TheOldestCommand,
} from "ioredis-oldest-supported";
import { afterAll, describe, expect, it } from "vitest";
import { stopAllRedisServers } from "../../scripts/support/redis-server.js";
import { createPublisher, type Publisher, type PublisherOptions } from "../../src/publisher/index.js";
import {
  ioredisVersion,
  pointSlotAtMovedTarget,
  probeClusterInternals,
  probeCommandInternals,
} from "../../src/publisher/send/ioredis-internals.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { recordingSubscriber, signalEvent, waitFor } from "../support/publisher-fixtures.js";
import { redisServerForTest } from "../support/redis-for-test.js";

const cleanups = cleanupAfterEach();
afterAll(stopAllRedisServers);

class ResolveOnEachInstance extends Command {
  constructor(name: string, args: string[]) {
    super(name, args);
    this.resolve = () => {}; // what a class field compiled with define semantics would do
  }
}
class PromiseInConstructor extends Command {
  constructor(name: string, args: string[]) {
    super(name, args);
    this.promise = Promise.resolve(0);
  }
}
class OtherWireFormat extends Command {
  override toWritable(): string {
    return "PUBLISH probe x\r\n";
  }
}
class WithoutInitPromise {
  _clearTimers(): void {}
  toWritable(): string {
    return "";
  }
}
class WithoutClearTimers {
  initPromise(): void {}
  toWritable(): string {
    return "";
  }
}

describe("probeCommandInternals", () => {
  it.each([
    ["the installed ioredis", Command],
    ["ioredis 6.0.0, the oldest the range allows", TheOldestCommand],
  ])("accepts %s", (_name, CommandClass) => {
    expect(probeCommandInternals(CommandClass)).toEqual({ usable: true });
  });

  it.each([
    ["a Command without initPromise", WithoutInitPromise, "its Command has no initPromise()"],
    ["a Command without _clearTimers", WithoutClearTimers, "its Command has no _clearTimers()"],
    [
      "a Command that sets resolve on each instance: the reply would never reach the publisher",
      ResolveOnEachInstance,
      "its Command sets resolve on each instance",
    ],
    [
      "a Command that makes a promise in its constructor",
      PromiseInConstructor,
      "its Command makes a promise outside initPromise()",
    ],
    ["a Command that writes other bytes", OtherWireFormat, "its Command writes PUBLISH differently"],
    ["not a class at all", undefined, "its Command has no initPromise()"],
  ])("turns down %s, saying why", (_name, CommandClass, why) => {
    expect(probeCommandInternals(CommandClass)).toEqual({
      usable: false,
      reason: `ioredis ${ioredisVersion}: ${why}`,
    });
  });
});

/** A Cluster client that never connects (lazyConnect): the probe only looks at its shape. */
function idleCluster(change: (cluster: Record<string, unknown>) => void = () => {}): Cluster {
  const cluster = new Cluster([{ host: "127.0.0.1", port: 1 }], { lazyConnect: true });
  change(cluster as unknown as Record<string, unknown>);
  return cluster;
}

describe("probeClusterInternals", () => {
  it("accepts a Cluster of the installed ioredis", () => {
    expect(probeClusterInternals(idleCluster())).toEqual({ usable: true });
  });

  it.each([
    [
      "a Cluster without its connection pool",
      () => idleCluster((c) => delete c.connectionPool),
      `ioredis ${ioredisVersion}: its Cluster has no connectionPool.getInstanceByKey()`,
    ],
    [
      "a Cluster whose slot map is not where the fast path reads it",
      () => idleCluster((c) => (c.slots = new Map())),
      `ioredis ${ioredisVersion}: its Cluster keeps no slot map in slots`,
    ],
    [
      "a Cluster of another copy of ioredis: its node connections are not this ioredis's",
      () => new ClusterOfAnotherCopy([{ host: "127.0.0.1", port: 1 }], { lazyConnect: true }),
      "the client comes from another copy of ioredis than this package's",
    ],
  ])("turns down %s, saying why", (_name, make, reason) => {
    expect(probeClusterInternals(make())).toEqual({ usable: false, reason });
  });
});

describe("pointSlotAtMovedTarget", () => {
  /** A cluster whose map gives slots 865–867 to one node, in one shared array, as ioredis stores a range. */
  function mappedCluster(): Cluster {
    const cluster = idleCluster();
    const range = ["127.0.0.1:30000", "127.0.0.1:30003"];
    for (const slot of [865, 866, 867]) cluster.slots[slot] = range;
    return cluster;
  }

  it("points the moved slot, and only it, at the node the MOVED names", () => {
    const cluster = mappedCluster();
    pointSlotAtMovedTarget(cluster, "MOVED 866 127.0.0.1:30001");
    expect(cluster.slots.slice(865, 868)).toEqual([
      ["127.0.0.1:30000", "127.0.0.1:30003"],
      ["127.0.0.1:30001"],
      ["127.0.0.1:30000", "127.0.0.1:30003"],
    ]);
  });

  it.each([
    ["an ASK: the slot still belongs to its owner", "ASK 866 127.0.0.1:30001"],
    ["a MOVED without a node", "MOVED 866"],
    ["a slot out of range", "MOVED 16384 127.0.0.1:30001"],
    ["another error", "CLUSTERDOWN The cluster is down"],
  ])("leaves the map alone for %s", (_name, message) => {
    const cluster = mappedCluster();
    pointSlotAtMovedTarget(cluster, message);
    expect(cluster.slots[866]).toEqual(["127.0.0.1:30000", "127.0.0.1:30003"]);
  });
});

/** A publisher with a logger that records its warnings. */
function publisherWithWarnings(options: PublisherOptions): { publisher: Publisher; warnings: unknown[][] } {
  const warnings: unknown[][] = [];
  const publisher = createPublisher({ ...options, logger: { warn: (...args) => warnings.push(args) } });
  cleanups.push(() => publisher.close());
  return { publisher, warnings };
}

async function client<C extends Redis | RedisOfAnotherCopy>(make: () => C): Promise<C> {
  const redis = make();
  cleanups.push(() => redis.disconnect());
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  return redis;
}

describe("the send path a publisher takes", () => {
  it("the fast path on a client of this ioredis, without a word", async () => {
    const redis = await redisServerForTest(cleanups);
    const own = await client(() => new Redis(redis.url));
    const { publisher, warnings } = publisherWithWarnings({ connection: own });
    expect(publisher.stats().sendPath).toEqual({ via: "fast" });
    expect(warnings).toEqual([]);
  });

  it("the public path when asked for, without a word", async () => {
    const redis = await redisServerForTest(cleanups);
    const { publisher, warnings } = publisherWithWarnings({ connection: redis.url, sendPath: "public" });
    expect(publisher.stats().sendPath).toEqual({ via: "public", why: "chosen" });
    expect(warnings).toEqual([]);
  });

  it("a client of another copy of ioredis (6.0.0): says so once, then every message arrives in order", async () => {
    const redis = await redisServerForTest(cleanups);
    const foreign = await client(() => new RedisOfAnotherCopy(redis.url));
    const subscriber = await recordingSubscriber(redis.url, ["signals.generated"]);
    cleanups.push(() => subscriber.close());
    const { publisher, warnings } = publisherWithWarnings({ connection: foreign as unknown as Redis });
    const reason = "the client comes from another copy of ioredis than this package's";
    expect(publisher.stats().sendPath).toEqual({ via: "public", why: "ioredis", reason });

    const results = await Promise.all(
      Array.from({ length: 500 }, (_, n) => publisher.publish("signals.generated", signalEvent(n))),
    );
    expect(results.every((r) => r.status === "published" && r.subscribers === 1)).toBe(true);
    await waitFor(() => subscriber.received.length === 500, "every message to arrive");
    expect(subscriber.received.map((m) => m.seq)).toEqual(Array.from({ length: 500 }, (_, n) => n));
    expect(warnings).toEqual([
      ["publisher: sending through ioredis's public API; the fast path does not fit", { reason }],
    ]);
  });
});
