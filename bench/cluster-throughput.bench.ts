// Section 7: publish throughput on a local Redis Cluster (3 masters, 1 replica each), classic (PUBLISH) and
// sharded (SPUBLISH), createPublisher against raw ioredis `Cluster` in the same mode, on clients created with
// the same options. Rounds alternate raw / publisher; ratios are medians of the rounds' ratios. Beside the
// client's rate, the CPU the six redis-servers spent per message (INFO cpu), which shows what each mode costs
// the cluster as a whole.
import { Cluster } from "ioredis";
import { channels, type PriceUpdateEvent } from "../generated/index.js";
import { type RedisClusterHandle, startRedisCluster } from "../scripts/support/redis-cluster.js";
import { createPublisher } from "../src/publisher/index.js";
import type { PublishMode } from "../src/publisher/send/publish-transport.js";
import type { Cell, SectionResult } from "./support/report.js";
import { ratio } from "./support/report.js";
import { median, round, runWindow } from "./support/stats.js";

export interface ClusterThroughputOptions {
  readonly messages?: number;
  readonly window?: number;
  readonly rounds?: number;
}

interface Run {
  /** Messages per second the client saw acknowledged. */
  readonly rate: number;
  /** CPU µs all nodes spent per message (user + sys). */
  readonly serverCpuMicros: number;
  /** CPU µs this (client) process spent per message (user + sys). */
  readonly clientCpuMicros: number;
}

interface Round {
  readonly raw: Run;
  readonly publisher: Run;
}

interface Case {
  readonly mode: PublishMode;
  readonly rounds: Round[];
}

const ADDRESSES = 100;
const RAW_EVENT_ID = "7d7c5a4e-3f0a-4b8e-9c1d-2a6b9e0f4c31";

// What the publisher sets on a cluster connection it owns; the raw side gets the same.
const CLUSTER_OPTIONS = {
  retryDelayOnFailover: 0,
  retryDelayOnClusterDown: 0,
  redisOptions: { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false },
};

async function connectedCluster(cluster: RedisClusterHandle): Promise<Cluster> {
  const client = new Cluster([...cluster.startupNodes], CLUSTER_OPTIONS);
  client.on("error", (error: unknown) => process.stderr.write(`bench cluster error: ${String(error)}\n`));
  if (client.status !== "ready") await new Promise((resolve) => client.once("ready", resolve));
  return client;
}

/** CPU seconds (user + sys) every node of the cluster has used so far. */
async function clusterCpuSeconds(cluster: RedisClusterHandle): Promise<number> {
  const nodes = await cluster.nodes();
  const seconds = await Promise.all(
    nodes.map(async (node) => {
      const client = cluster.connectTo(node.port);
      const info = await client.info("cpu");
      client.disconnect();
      const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? 0);
      return field("used_cpu_user") + field("used_cpu_sys");
    }),
  );
  return seconds.reduce((sum, value) => sum + value, 0);
}

async function measured(
  cluster: RedisClusterHandle,
  count: number,
  run: (count: number) => Promise<number>,
): Promise<Run> {
  const cpuBefore = await clusterCpuSeconds(cluster);
  const clientBefore = process.cpuUsage();
  const elapsedMs = await run(count);
  const client = process.cpuUsage(clientBefore);
  const cpuAfter = await clusterCpuSeconds(cluster);
  return {
    rate: (count * 1000) / elapsedMs,
    serverCpuMicros: ((cpuAfter - cpuBefore) * 1e6) / count,
    clientCpuMicros: (client.user + client.system) / count,
  };
}

export async function benchClusterThroughput(options: ClusterThroughputOptions = {}): Promise<SectionResult> {
  const messages = options.messages ?? 20_000;
  const window = options.window ?? 1_000;
  // Rounds are short (under a second each): more of them, so that noise from other processes falls on both sides.
  const rounds = options.rounds ?? 9;
  const example = channels["price.updated.{symbol}"].examples[0]?.payload;
  if (example === undefined) throw new Error("the spec has no price.updated example");
  // Price updates for 100 symbols, round-robin: their channels spread over the three masters' slots.
  const payloads: PriceUpdateEvent[] = Array.from({ length: ADDRESSES }, (_, i) => ({
    ...example,
    symbol: `S${i}`,
  }));
  // Same length of event_id as the publisher's randomUUID(), so both sides send equal-sized bodies.
  const rawPayloads = payloads.map((p) => ({ ...p, event_id: RAW_EVENT_ID }));

  const cluster = await startRedisCluster();
  const cases: Case[] = [];
  try {
    for (const mode of ["classic", "sharded"] as const) {
      const rawClient = await connectedCluster(cluster);
      const publisherClient = await connectedCluster(cluster);
      const publisher = createPublisher({ connection: publisherClient, mode });
      try {
        // What an application on raw ioredis does per message: serialise, PUBLISH or SPUBLISH.
        const rawSend = (address: string, body: string) =>
          mode === "classic" ? rawClient.publish(address, body) : rawClient.spublish(address, body);
        // Serialised per message, as section 2's raw side does (before issue 21 this side sent bodies
        // serialised once in advance, which its comment did not say).
        const rawRun = (count: number) =>
          runWindow(count, window, (i) => {
            const payload = rawPayloads[i % ADDRESSES] as PriceUpdateEvent;
            return rawSend(`price.updated.${payload.symbol}`, JSON.stringify(payload));
          });
        const publisherRun = (count: number) =>
          runWindow(count, window, async (i) => {
            const result = await publisher.publish(
              "price.updated.{symbol}",
              payloads[i % ADDRESSES] as PriceUpdateEvent,
            );
            if (result.status !== "published") throw new Error(`publish ${result.status}: ${result.reason}`);
          });
        await rawRun(Math.min(5_000, messages)); // JIT, connections to every master: not measured
        await publisherRun(Math.min(5_000, messages));
        const measuredRounds: Round[] = [];
        for (let i = 0; i < rounds; i++) {
          const raw = await measured(cluster, messages, rawRun);
          const ours = await measured(cluster, messages, publisherRun);
          measuredRounds.push({ raw, publisher: ours });
        }
        cases.push({ mode, rounds: measuredRounds });
      } finally {
        await publisher.close();
        rawClient.disconnect();
        publisherClient.disconnect();
      }
    }
  } finally {
    await cluster.stop();
  }
  return report(cases, { messages, window, rounds });
}

function report(
  cases: Case[],
  settings: { messages: number; window: number; rounds: number },
): SectionResult {
  const rows: Cell[][] = cases.map((c) => {
    const ratios = c.rounds.map((r) => r.publisher.rate / r.raw.rate);
    return [
      c.mode === "classic" ? "classic (PUBLISH)" : "sharded (SPUBLISH)",
      round(median(c.rounds.map((r) => r.raw.rate))),
      round(median(c.rounds.map((r) => r.publisher.rate))),
      ratio(median(ratios), 1),
      `${round(Math.min(...ratios), 2)}–${round(Math.max(...ratios), 2)}`,
      `${round(median(c.rounds.map((r) => r.raw.serverCpuMicros)))} / ${round(median(c.rounds.map((r) => r.publisher.serverCpuMicros)))}`,
      `${round(median(c.rounds.map((r) => r.raw.clientCpuMicros)))} / ${round(median(c.rounds.map((r) => r.publisher.clientCpuMicros)))}`,
    ];
  });
  const rawRate = (mode: PublishMode) =>
    median(cases.find((c) => c.mode === mode)?.rounds.map((r) => r.raw.rate) ?? []);
  const cpu = (mode: PublishMode) =>
    median(cases.find((c) => c.mode === mode)?.rounds.map((r) => r.raw.serverCpuMicros) ?? []);
  return {
    id: "cluster-throughput",
    title: "7. Publish throughput on a Redis Cluster",
    tables: [
      {
        title:
          "7. Publish throughput on a local Redis Cluster (3 masters + 3 replicas), messages/s (median of rounds)",
        columns: [
          "Mode",
          "raw ioredis Cluster",
          "createPublisher().publish",
          "publisher ÷ raw",
          "ratio min–max",
          "server CPU µs/message, all nodes, raw / publisher",
          "client CPU µs/message, raw / publisher",
        ],
        rows,
        notes: [
          `Sharded ÷ classic, raw client: ${ratio(rawRate("sharded"), rawRate("classic"))} the rate, ` +
            `${ratio(cpu("sharded"), cpu("classic"))} the cluster's CPU per message.`,
          `${settings.messages.toLocaleString("en-US")} price updates over ${ADDRESSES} symbols per round, ` +
            `${settings.window.toLocaleString("en-US")} in flight, ${settings.rounds} alternating rounds, no subscribers; ` +
            "both sides on an ioredis Cluster with the options the publisher gives a cluster connection of its own. Raw: " +
            "JSON.stringify + publish/spublish per message. Publisher: publish(), which validates, fills in event_id, " +
            "serialises and sends on its fast path (each PUBLISH straight to the slot's master, a tick's first 32 at once, the rest in one write per master; see tick-writes.ts).",
          "What this shows on a small machine: a classic PUBLISH is sent by the node that runs it to every other node " +
            "over the cluster bus (5 bus messages here), and each node handles it, so its cluster-wide cost grows with " +
            "the number of nodes and adding shards adds work instead of capacity. A SPUBLISH stays in its shard (the " +
            "owner and its replica), so shards divide the load. The clients' rate cannot show that scaling here: all " +
            "six redis-servers and the benchmark share the same cores, so total CPU, not any one node, is the limit; " +
            "the CPU per message is the measure that carries over to a cluster on separate machines.",
        ],
      },
    ],
    targets: [],
    data: { ...settings, addresses: ADDRESSES, cases },
  };
}
