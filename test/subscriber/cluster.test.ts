// The subscriber on a real Redis Cluster (one per file; the tests run in order on it), fed by the package's
// publisher: events flow on every channel in classic and sharded mode, sharded mode refuses patterns loudly,
// and a slot migration or the failover of the master that owns a channel's slot ends in a resubscription
// and a `gap` event, with nothing lost and the order kept (the publisher retries or buffers meanwhile). The
// failed master then comes back as a replica without disturbing anyone, and last, a whole shard dies and
// returns: no node serves the slot for a while, and still nothing is lost.
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChannelName, channelNames } from "../../generated/index.js";
import { type RedisClusterHandle, startRedisCluster } from "../../scripts/support/redis-cluster.js";
import type { PubSubMode } from "../../src/connection/cluster-options.js";
import { createPublisher, type Publisher, type PublisherOptions } from "../../src/publisher/index.js";
import {
  createSubscriber,
  type Gap,
  ShardedPatternError,
  SubscribeFailedError,
  type Subscriber,
  topicsFor,
} from "../../src/subscriber/index.js";
import { setUserOnEveryNode } from "../support/acl-fixture.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { firstExample } from "../support/examples.js";
import { oneTo, steadySignals } from "../support/publisher-fixtures.js";
import { waitFor } from "./wait-for.js";

const cleanups = cleanupAfterEach();
let cluster: RedisClusterHandle;
beforeAll(async () => {
  cluster = await startRedisCluster({ nodeTimeoutMs: 1_000 });
});
afterAll(() => cluster?.stop());

const SYMBOLS = ["AAPL", "MSFT"];
const SIGNALS = "signals.generated";

/** Every concrete address the tests publish on: each fixed channel and the price channel's symbols. */
const addresses = channelNames.flatMap((channel) =>
  channel === "price.updated.{symbol}" ? SYMBOLS.map((symbol) => `price.updated.${symbol}`) : [channel],
);

function clusterPublisher(mode: PubSubMode, extra: Partial<PublisherOptions> = {}): Publisher {
  const publisher = createPublisher({
    connection: { cluster: cluster.startupNodes },
    mode,
    retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 100, maxElapsedMs: 300 },
    replay: { initialDelayMs: 20, maxDelayMs: 200 },
    ...extra,
  });
  cleanups.push(() => publisher.close());
  return publisher;
}

/** Publishes one event on an address: the channel's example (the address's symbol for a price). */
async function publishExample(publisher: Publisher, address: string): Promise<string> {
  const price = address.startsWith("price.updated.");
  const channel = price ? "price.updated.{symbol}" : address;
  const payload: Record<string, unknown> = { ...firstExample(channel as ChannelName) };
  if (price) payload.symbol = address.slice("price.updated.".length);
  const result = await publisher.publish(channel as never, payload as never);
  return result.eventId;
}

interface Received {
  readonly address: string;
  readonly eventId: string;
  readonly numSignals: number | undefined;
}

/** A subscriber on the cluster that records what arrives, gaps and errors. */
function watched(mode: PubSubMode, connection?: Cluster) {
  const received: Received[] = [];
  const gaps: Gap[] = [];
  const errors: Error[] = [];
  const subscriber: Subscriber<PubSubMode> = createSubscriber({
    connection: connection ?? {
      cluster: cluster.startupNodes.map(({ host, port }) => `redis://${host}:${port}`),
    },
    mode,
    heartbeat: false,
    resubscribeDelayMs: 100,
    onGap: (gap) => gaps.push(gap),
    onError: (error) => errors.push(error),
  });
  cleanups.push(() => subscriber.close());
  const record = (event: unknown, context: { address: string }) => {
    const { event_id, num_signals } = event as { event_id: string; num_signals?: number };
    received.push({ address: context.address, eventId: event_id, numSignals: num_signals });
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

/**
 * A sharded subscriber on every channel, and a steady stream of signals already flowing to it from a publisher
 * with minSubscribers 1: a message sent while the subscriber follows its slot is retried or buffered, not lost.
 */
async function flowingSignals() {
  const watching = watched("sharded");
  await watching.handleEveryChannel();
  const publisher = clusterPublisher("sharded", { channels: { [SIGNALS]: { minSubscribers: 1 } } });
  const stream = steadySignals(publisher);
  await waitFor(() => watching.received.length >= 20, "the stream to flow");
  return { ...watching, publisher, stream };
}

/** Lets the stream go on for 20 more events after `what`, stops it, and expects every event once and in order. */
async function expectEverySignalAfter(
  flow: { stream: ReturnType<typeof steadySignals>; received: readonly Received[] },
  what: string,
): Promise<void> {
  const at = flow.stream.count();
  await waitFor(() => flow.stream.count() >= at + 20, `the stream to go on after ${what}`);
  const published = await flow.stream.stop();
  await waitFor(() => flow.received.length >= published, "every event to arrive");
  expect(flow.received.map((r) => r.numSignals)).toEqual(oneTo(published));
}

/** The sharded subscriptions of one address on one node (PUBSUB SHARDNUMSUB counts that node's clients). */
async function shardSubscribers(port: number, address: string): Promise<number> {
  const node = cluster.connectTo(port);
  const [, count] = (await node.call("PUBSUB", "SHARDNUMSUB", address)) as [string, number];
  return count;
}

describe.each(["classic", "sharded"] as const)("%s mode on a cluster", (mode) => {
  it("delivers every channel's events from the publisher, each once and in order", async () => {
    const { received, errors, handleEveryChannel } = watched(mode);
    await handleEveryChannel();
    const publisher = clusterPublisher(mode);
    const sent = new Map<string, string[]>(addresses.map((address) => [address, []]));
    for (let n = 1; n <= 3; n++) {
      for (const address of addresses) sent.get(address)?.push(await publishExample(publisher, address));
    }
    await waitFor(() => received.length === addresses.length * 3, "every event to arrive");
    for (const address of addresses) {
      const arrived = received.filter((r) => r.address === address).map((r) => r.eventId);
      expect(arrived, address).toEqual(sent.get(address));
    }
    expect(errors).toEqual([]);
  });

  it("a subscription the ACL refuses: handle() rejects with SubscribeFailedError (NOPERM); an allowed channel delivers", async () => {
    // It may read orders.* only.
    await setUserOnEveryNode(cluster, "orders-reader", [
      "on",
      ">orders",
      "resetchannels",
      "&orders.*",
      "+@all",
    ]);
    const asReader = new Cluster([...cluster.startupNodes], {
      lazyConnect: true,
      redisOptions: { username: "orders-reader", password: "orders" },
    });
    cleanups.push(() => asReader.disconnect());
    const { subscriber, received, errors } = watched(mode, asReader);
    const refused = await subscriber.handle(SIGNALS, () => {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SubscribeFailedError);
    expect((refused as SubscribeFailedError).topic).toBe(SIGNALS);
    expect(String((refused as SubscribeFailedError).cause)).toMatch(/NOPERM/);
    await subscriber.handle("orders.executed", (event, context) => {
      received.push({ address: context.address, eventId: event.event_id ?? "", numSignals: undefined });
    });
    const sent = await publishExample(clusterPublisher(mode), "orders.executed");
    await waitFor(() => received.some((r) => r.eventId === sent), "the allowed channel's event");
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

  it("spreads its subscriptions over the masters that own each address's slot (from the caller's Cluster)", async () => {
    const callers = new Cluster([...cluster.startupNodes], { lazyConnect: true });
    cleanups.push(() => callers.disconnect());
    const { handleEveryChannel } = watched("sharded", callers);
    const unsubscribes = await handleEveryChannel();
    for (const address of addresses) {
      const owner = await cluster.masterFor(address);
      expect(await shardSubscribers(owner.port, address), `${address} on its owner ${owner.port}`).toBe(1);
    }
    // Removing the last handler SUNSUBSCRIBEs on the owner.
    await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
    for (const address of addresses) {
      const owner = await cluster.masterFor(address);
      expect(await shardSubscribers(owner.port, address), `${address} after unsubscribing`).toBe(0);
    }
  });

  it("follows a slot migration: a gap for the moved address, then nothing lost and in order", async () => {
    const flow = await flowingSignals();
    const { gaps } = flow;
    const from = await cluster.masterFor(SIGNALS);
    const to = (await cluster.nodes()).find((node) => node.role === "master" && node.id !== from.id);
    await cluster.migrateSlot(await cluster.slotOf(SIGNALS), to?.port ?? -1);
    await waitFor(() => gaps.some((gap) => gap.topics.includes(SIGNALS)), "the gap of the moved address");
    await expectEverySignalAfter(flow, "the migration");
    expect(await shardSubscribers(to?.port ?? -1, SIGNALS)).toBe(1);
  });

  it("resubscribes on the promoted replica when the owning master dies: a gap, then nothing lost and in order", async () => {
    const flow = await flowingSignals();
    const { subscriber, gaps } = flow;
    const victim = await cluster.masterFor(SIGNALS);
    const beforeKill = new Date();
    const promoted = await cluster.killMaster(victim.port);
    await waitFor(
      () => gaps.some((gap) => gap.topics.includes(SIGNALS)),
      "the gap of the failed-over address",
    );
    const gap = gaps.find((g) => g.topics.includes(SIGNALS)) as Gap;
    expect(gap.from.getTime()).toBeLessThanOrEqual(gap.to.getTime());
    expect(gap.to.getTime()).toBeGreaterThanOrEqual(beforeKill.getTime());
    // The addresses on the other masters never lost their subscription: they are in no gap.
    for (const other of addresses) {
      if ((await cluster.masterFor(other)).port !== promoted.port) expect(gap.topics).not.toContain(other);
    }
    await expectEverySignalAfter(flow, "the failover");
    expect(await shardSubscribers(promoted.port, SIGNALS)).toBe(1);
    expect(subscriber.stats().reconnects).toBeGreaterThanOrEqual(1);
  });

  it("the master killed above comes back as a replica: delivery goes on, no gap, nothing lost", async () => {
    const flow = await flowingSignals();
    const { gaps } = flow;
    const [dead] = (await cluster.nodes()).filter((node) => node.failed);
    await cluster.restartNodes([dead?.port ?? -1]);
    const owner = await cluster.masterFor(SIGNALS);
    expect((await cluster.nodes()).find((node) => node.id === dead?.id)).toMatchObject({
      role: "replica",
      masterId: owner.id,
    });
    await expectEverySignalAfter(flow, "the return");
    expect(gaps).toEqual([]);
  });

  it("no node serves the channel's slot (its master and replica both die): a gap, buffered, then everything in order once they return", async () => {
    const flow = await flowingSignals();
    const { gaps, publisher } = flow;
    const owner = await cluster.masterFor(SIGNALS);
    const beforeKill = new Date();
    const killed = await cluster.killShard(owner.port);
    await waitFor(
      () => publisher.stats().buffered > 0,
      "the publisher to buffer while no node serves the slot",
    );

    await cluster.restartNodes(killed.map((node) => node.port));
    await waitFor(
      () => gaps.some((gap) => gap.topics.includes(SIGNALS)),
      "the gap of the dead shard's address",
    );
    const gap = gaps.find((g) => g.topics.includes(SIGNALS)) as Gap;
    expect(gap.to.getTime()).toBeGreaterThanOrEqual(beforeKill.getTime());
    await expectEverySignalAfter(flow, "the shard returns");
    await waitFor(() => publisher.stats().bufferSize === 0, "the replay to finish");
    expect(await shardSubscribers(owner.port, SIGNALS)).toBe(1);
  });
});
