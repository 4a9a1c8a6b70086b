// The subscriber on a real Redis Cluster (one per file; the tests run in order on it): events flow on every
// channel in classic and sharded mode, sharded mode refuses patterns loudly, and a slot migration or the
// failover of the master that owns a channel's slot ends in a resubscription and a `gap` event.
import { Cluster, type Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChannelName, channelNames } from "../../generated/index.js";
import { type RedisClusterHandle, startRedisCluster } from "../../scripts/support/redis-cluster.js";
import type { PubSubMode } from "../../src/connection/cluster-options.js";
import {
  createSubscriber,
  type Gap,
  ShardedPatternError,
  type Subscriber,
  topicsFor,
} from "../../src/subscriber/index.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { firstExample } from "../support/examples.js";
import { waitFor } from "./wait-for.js";

const cleanups = cleanupAfterEach();
let cluster: RedisClusterHandle;
let publisher: Cluster;
/** Classic PUBLISH goes through one node: sent through different nodes, the bus may reorder them. */
let classicPublisher: Redis;
beforeAll(async () => {
  cluster = await startRedisCluster();
  publisher = new Cluster([...cluster.startupNodes]);
  publisher.on("error", () => {});
  const [firstMaster] = await cluster.nodes();
  classicPublisher = cluster.connectTo(firstMaster?.port ?? -1);
});
afterAll(async () => {
  publisher?.disconnect();
  await cluster?.stop();
});

const SYMBOLS = ["AAPL", "MSFT"];

/** Every concrete address the tests publish on: each fixed channel and the price channel's symbols. */
const addresses = channelNames.flatMap((channel) =>
  channel === "price.updated.{symbol}" ? SYMBOLS.map((symbol) => `price.updated.${symbol}`) : [channel],
);

function payloadFor(address: string, n: number): string {
  const channel = (address.startsWith("price.updated.") ? "price.updated.{symbol}" : address) as ChannelName;
  const payload: Record<string, unknown> = { ...firstExample(channel) };
  if (channel === "price.updated.{symbol}") payload.symbol = address.slice("price.updated.".length);
  // An unknown field: consumers tolerate it, and it carries the sequence number.
  return JSON.stringify({ ...payload, test_sequence: n });
}

function publish(mode: PubSubMode, address: string, n: number): Promise<unknown> {
  const message = payloadFor(address, n);
  return mode === "sharded"
    ? publisher.spublish(address, message)
    : classicPublisher.publish(address, message);
}

interface Received {
  readonly address: string;
  readonly n: number;
}

/** A subscriber on the cluster that records what arrives, gaps and errors. */
function watched(mode: PubSubMode) {
  const received: Received[] = [];
  const gaps: Gap[] = [];
  const errors: Error[] = [];
  const subscriber: Subscriber<PubSubMode> = createSubscriber({
    connection: { cluster: cluster.startupNodes.map(({ host, port }) => `redis://${host}:${port}`) },
    mode,
    heartbeat: false,
    resubscribeDelayMs: 100,
    onGap: (gap) => gaps.push(gap),
    onError: (error) => errors.push(error),
  });
  cleanups.push(() => subscriber.close());
  const record = (event: unknown, context: { address: string }) => {
    received.push({ address: context.address, n: (event as { test_sequence: number }).test_sequence });
  };
  const handleEveryChannel = () =>
    Promise.all(
      channelNames.map((channel) =>
        channel === "price.updated.{symbol}"
          ? subscriber.handle(channel, record, { symbols: SYMBOLS })
          : subscriber.handle(channel, record),
      ),
    );
  return { subscriber, received, gaps, errors, handleEveryChannel };
}

/** Publishes `n` on the address until it arrives: right after a gap the first publish may precede the resubscribe. */
async function expectDelivery(mode: PubSubMode, received: Received[], address: string, n: number) {
  await waitFor(async () => {
    await publish(mode, address, n);
    return received.some((r) => r.address === address && r.n === n);
  }, `${address} #${n} to arrive`);
}

describe.each(["classic", "sharded"] as const)("%s mode on a cluster", (mode) => {
  it("delivers every channel's events, each once and in order", async () => {
    const { received, errors, handleEveryChannel } = watched(mode);
    await handleEveryChannel();
    for (let n = 1; n <= 3; n++) for (const address of addresses) await publish(mode, address, n);
    await waitFor(() => received.length === addresses.length * 3, "every event to arrive");
    for (const address of addresses) {
      expect(received.filter((r) => r.address === address).map((r) => r.n)).toEqual([1, 2, 3]);
    }
    expect(errors).toEqual([]);
  });
});

describe("sharded mode", () => {
  it("refuses a pattern subscription at handle() and stream(), naming the way out", async () => {
    const { subscriber } = watched("sharded");
    const untyped = subscriber as unknown as Subscriber;
    await expect(untyped.handle("price.updated.{symbol}", () => {})).rejects.toThrow(ShardedPatternError);
    await expect(untyped.handleTopics(topicsFor("price.updated.{symbol}"), () => {})).rejects.toThrow(
      /no sharded pattern subscription.*symbols/,
    );
    expect(() => untyped.stream("price.updated.{symbol}", { overflow: "drop-oldest" })).toThrow(
      ShardedPatternError,
    );
  });

  it("spreads its subscriptions over the masters that own each address's slot", async () => {
    const { handleEveryChannel } = watched("sharded");
    await handleEveryChannel();
    for (const address of addresses) {
      const owner = await cluster.masterFor(address);
      const node = cluster.connectTo(owner.port);
      const [, count] = (await node.call("PUBSUB", "SHARDNUMSUB", address)) as [string, number];
      expect(count, `${address} on its owner ${owner.port}`).toBe(1);
    }
  });

  it("follows a slot migration: delivery goes on, with a gap for what the move dropped", async () => {
    const { received, gaps, handleEveryChannel } = watched("sharded");
    await handleEveryChannel();
    const address = "price.updated.AAPL";
    await expectDelivery("sharded", received, address, 1);
    const slot = await cluster.slotOf(address);
    const owner = await cluster.masterFor(address);
    const target = (await cluster.nodes()).find((node) => node.role === "master" && node.port !== owner.port);
    if (!target) throw new Error("no other master");
    const before = new Date();
    await cluster.migrateSlot(slot, target.port);
    await expectDelivery("sharded", received, address, 2);
    await waitFor(() => gaps.some((gap) => gap.topics.includes(address)), "the gap of the moved address");
    const gap = gaps.find((g) => g.topics.includes(address));
    expect(gap?.to.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);
    const node = cluster.connectTo(target.port);
    const [, count] = (await node.call("PUBSUB", "SHARDNUMSUB", address)) as [string, number];
    expect(count).toBe(1);
  });

  it("resubscribes on the promoted replica when the owning master dies, and reports the gap", async () => {
    const { received, gaps, errors, handleEveryChannel } = watched("sharded");
    await handleEveryChannel();
    const address = "signals.generated";
    await expectDelivery("sharded", received, address, 1);
    const owner = await cluster.masterFor(address);
    const before = new Date();
    const promoted = await cluster.killMaster(owner.port);
    await waitFor(
      () => gaps.some((gap) => gap.topics.includes(address)),
      "the gap of the failed-over address",
    );
    const gap = gaps.find((g) => g.topics.includes(address)) as Gap;
    expect(gap.from.getTime()).toBeLessThanOrEqual(gap.to.getTime());
    expect(gap.to.getTime()).toBeGreaterThanOrEqual(before.getTime());
    await expectDelivery("sharded", received, address, 2);
    const node = cluster.connectTo(promoted.port);
    const [, count] = (await node.call("PUBSUB", "SHARDNUMSUB", address)) as [string, number];
    expect(count).toBe(1);
    // The addresses on the other masters never lost their subscription.
    for (const other of addresses) {
      if ((await cluster.masterFor(other)).port !== promoted.port) expect(gap.topics).not.toContain(other);
    }
    expect(errors.every((error) => !(error instanceof ShardedPatternError))).toBe(true);
  });
});
