// Starts a throw-away Redis Cluster (3 masters with 1 replica each) of real redis-server processes on free
// loopback ports, for the cluster tests and the cluster benchmark. It also kills masters and moves slots, and
// waits each time until every live node reports the cluster ok and agrees on who owns which slot.
import { Redis } from "ioredis";
import { holdPublishesUntilFlushed } from "./pubsub-flush.js";
import {
  createCluster,
  CLUSTER_HOST as HOST,
  RedisClusterError,
  startClusterNode,
} from "./redis-cluster-launch.js";
import { type ClusterNodeInfo, parseClusterNodes, slotMapKey } from "./redis-cluster-nodes.js";
import type { RedisServerHandle } from "./redis-server.js";

export interface RedisClusterOptions {
  /** `cluster-node-timeout` in ms: how soon a dead master is failed over; default 1500. */
  readonly nodeTimeoutMs?: number;
  /** How long to wait for the cluster to form or heal after a change; default 30 s. */
  readonly settleTimeoutMs?: number;
  /** Extra redis-server arguments for every node. */
  readonly args?: readonly string[];
  /** Every node requires this password (requirepass, and masterauth for the replicas); the fixture uses it too. */
  readonly password?: string;
}

export interface RedisClusterHandle {
  /** Where a client starts: every node's address as started, dead ones included. */
  readonly startupNodes: readonly { readonly host: string; readonly port: number }[];
  /** The nodes as the cluster now sees them, masters first. */
  nodes(): Promise<ClusterNodeInfo[]>;
  /** The hash slot of a channel or key (CLUSTER KEYSLOT). */
  slotOf(channel: string): Promise<number>;
  /** The master that currently owns the channel's slot. */
  masterFor(channel: string): Promise<ClusterNodeInfo>;
  /** A plain connection to one node, closed by stop(); for PUBSUB / INFO / SSUBSCRIBE on that node. */
  connectTo(port: number): Redis;
  /**
   * SIGKILLs a master once it has written out every pub/sub message it acknowledged (holdPublishesUntilFlushed),
   * then waits until its replica is promoted and the cluster is ok again. Returns the new master.
   */
  killMaster(port: number): Promise<ClusterNodeInfo>;
  /**
   * SIGKILLs one shard whole: the master at `port`, once it has written out what it acknowledged, and its
   * replicas first, so that none is promoted. Waits until the other nodes mark them failed and report the
   * cluster down. Returns the killed nodes, for restartNodes.
   */
  killShard(port: number): Promise<ClusterNodeInfo[]>;
  /** Starts killed nodes again on their ports, with their own nodes.conf; waits until the cluster is settled. */
  restartNodes(ports: readonly number[]): Promise<void>;
  /** Moves one slot to another master with CLUSTER SETSLOT (and MIGRATE for any keys in it); waits until all agree. */
  migrateSlot(slot: number, toPort: number): Promise<void>;
  /** Waits until every live node reports cluster_state:ok and all agree on the slot map. */
  waitUntilSettled(): Promise<void>;
  /** Stops every node by PID and closes the fixture's connections. Safe to call twice. */
  stop(): Promise<void>;
}

export { type ClusterNodeInfo, parseClusterNodes } from "./redis-cluster-nodes.js";
export { RedisClusterError };

const MASTERS = 3;
const NODE_COUNT = MASTERS * 2;
const POLL_MS = 50;

export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const settleTimeoutMs = options.settleTimeoutMs ?? 30_000;
  const servers = new Map<number, RedisServerHandle>();
  const cluster = new ClusterControl(servers, settleTimeoutMs, options.password);
  try {
    for (let i = 0; i < NODE_COUNT; i++) {
      const server = await startClusterNode(options);
      servers.set(server.port, server);
    }
    await createCluster([...servers.keys()], settleTimeoutMs, options.password);
    await cluster.waitUntilSettled();
    await cluster.waitUntilReplicasSynced();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster.handle();
}

/** The state the fixture shares between its operations: the servers it started and one admin connection each. */
class ClusterControl {
  #stopping: Promise<void> | undefined;
  /** One admin connection per node, for the fixture's own commands. */
  private readonly admins = new Map<number, Redis>();
  /** Every connection the fixture opened (admins and connectTo's), closed by stop(). */
  private readonly clients = new Set<Redis>();

  constructor(
    private readonly servers: Map<number, RedisServerHandle>,
    private readonly settleTimeoutMs: number,
    private readonly password: string | undefined,
  ) {}

  handle(): RedisClusterHandle {
    return {
      startupNodes: [...this.servers.keys()].map((port) => ({ host: HOST, port })),
      nodes: () => this.nodes(),
      slotOf: (channel) => this.slotOf(channel),
      masterFor: (channel) => this.masterFor(channel),
      connectTo: (port) => this.connectTo(port),
      killMaster: (port) => this.killMaster(port),
      killShard: (port) => this.killShard(port),
      restartNodes: (ports) => this.restartNodes(ports),
      migrateSlot: (slot, toPort) => this.migrateSlot(slot, toPort),
      waitUntilSettled: () => this.waitUntilSettled(),
      stop: () => this.stop(),
    };
  }

  livePorts(): number[] {
    return [...this.servers].filter(([, server]) => server.running).map(([port]) => port);
  }

  admin(port: number): Redis {
    let client = this.admins.get(port);
    if (client === undefined) {
      client = this.connectTo(port);
      this.admins.set(port, client);
    }
    return client;
  }

  connectTo(port: number): Redis {
    if (!this.servers.has(port)) throw new RedisClusterError(`port ${port} is not a node of this cluster`);
    const client = new Redis({
      host: HOST,
      port,
      retryStrategy: () => null,
      maxRetriesPerRequest: 1,
      ...(this.password === undefined ? {} : { password: this.password }),
    });
    client.on("error", () => {}); // a killed node's connections fail; callers see the failed commands
    this.clients.add(client);
    return client;
  }

  async nodes(): Promise<ClusterNodeInfo[]> {
    const [port] = this.livePorts();
    if (port === undefined) throw new RedisClusterError("no node of the cluster is running");
    const text = String(await this.admin(port).call("CLUSTER", "NODES"));
    const nodes = parseClusterNodes(text).map((node) => ({ ...node, pid: this.servers.get(node.port)?.pid }));
    return nodes.sort((a, b) => (a.role === b.role ? a.port - b.port : a.role === "master" ? -1 : 1));
  }

  async slotOf(channel: string): Promise<number> {
    const [port] = this.livePorts();
    if (port === undefined) throw new RedisClusterError("no node of the cluster is running");
    return Number(await this.admin(port).call("CLUSTER", "KEYSLOT", channel));
  }

  async masterFor(channel: string): Promise<ClusterNodeInfo> {
    const slot = await this.slotOf(channel);
    const owner = (await this.slotOwners(this.livePorts()[0] ?? -1)).get(slot);
    const node = (await this.nodes()).find((candidate) => candidate.id === owner);
    if (node === undefined) throw new RedisClusterError(`no master owns slot ${slot} (channel ${channel})`);
    return node;
  }

  async killMaster(port: number): Promise<ClusterNodeInfo> {
    const nodes = await this.nodes();
    const master = nodes.find((node) => node.port === port && node.role === "master" && !node.failed);
    if (master === undefined) throw new RedisClusterError(`port ${port} is not a live master`);
    const replica = nodes.find((node) => node.masterId === master.id && !node.failed);
    if (replica === undefined) throw new RedisClusterError(`master ${port} has no live replica to take over`);
    // Its subscribers first get what it acknowledged: a test counting arrivals must not see pub/sub's own loss.
    await holdPublishesUntilFlushed(this.admin(port));
    await this.killNode(port);
    await this.waitFor(`replica ${replica.port} to replace master ${port}`, async () => {
      const info = String(await this.admin(replica.port).info("replication"));
      return /^role:master/m.test(info);
    });
    await this.waitUntilSettled();
    const promoted = (await this.nodes()).find((node) => node.id === replica.id);
    if (promoted?.role !== "master") throw new RedisClusterError(`replica ${replica.port} was not promoted`);
    return promoted;
  }

  async killShard(port: number): Promise<ClusterNodeInfo[]> {
    const nodes = await this.nodes();
    const master = nodes.find((node) => node.port === port && node.role === "master" && !node.failed);
    if (master === undefined) throw new RedisClusterError(`port ${port} is not a live master`);
    const shard = [...nodes.filter((node) => node.masterId === master.id && !node.failed), master];
    await holdPublishesUntilFlushed(this.admin(port));
    for (const node of shard) await this.killNode(node.port);
    const killed = new Set(shard.map((node) => node.id));
    await this.waitFor(`the other nodes to mark shard ${port} failed`, async () => {
      const seen = (await this.nodes()).filter((node) => killed.has(node.id));
      const [live = -1] = this.livePorts();
      const state = String(await this.admin(live).call("CLUSTER", "INFO"));
      return seen.every((node) => node.failed) && /^cluster_state:fail/m.test(state);
    });
    return shard;
  }

  async restartNodes(ports: readonly number[]): Promise<void> {
    for (const port of ports) {
      const server = this.servers.get(port);
      if (server === undefined) throw new RedisClusterError(`port ${port} is not a node of this cluster`);
      if (server.running) throw new RedisClusterError(`node ${port} is running`);
      await server.restart();
    }
    await this.waitUntilSettled();
    await this.waitUntilReplicasSynced();
  }

  async killNode(port: number): Promise<void> {
    this.admins.get(port)?.disconnect();
    this.admins.delete(port);
    await this.servers.get(port)?.kill();
  }

  async migrateSlot(slot: number, toPort: number): Promise<void> {
    const nodes = await this.nodes();
    const target = nodes.find((node) => node.port === toPort && node.role === "master" && !node.failed);
    if (target === undefined) throw new RedisClusterError(`port ${toPort} is not a live master`);
    const sourceId = (await this.slotOwners(toPort)).get(slot);
    const source = nodes.find((node) => node.id === sourceId);
    if (source === undefined) throw new RedisClusterError(`no master owns slot ${slot}`);
    if (source.id === target.id) throw new RedisClusterError(`slot ${slot} is already on ${toPort}`);
    // The documented order: importing on the target first, so a redirected client always finds the slot.
    await this.admin(target.port).call("CLUSTER", "SETSLOT", slot, "IMPORTING", source.id);
    await this.admin(source.port).call("CLUSTER", "SETSLOT", slot, "MIGRATING", target.id);
    await this.moveKeys(slot, source.port, target.port);
    const masters = nodes.filter((node) => node.role === "master" && !node.failed);
    const others = masters.filter((node) => node.id !== target.id && node.id !== source.id);
    for (const node of [target, source, ...others]) {
      await this.admin(node.port).call("CLUSTER", "SETSLOT", slot, "NODE", target.id);
    }
    await this.waitUntilSettled();
  }

  // Pub/sub channels are not keys, so a channel's slot is usually empty; keys a test stored move too.
  async moveKeys(slot: number, fromPort: number, toPort: number): Promise<void> {
    const source = this.admin(fromPort);
    for (;;) {
      const keys = (await source.call("CLUSTER", "GETKEYSINSLOT", slot, 100)) as string[];
      if (keys.length === 0) return;
      const auth = this.password === undefined ? [] : ["AUTH", this.password];
      await source.call("MIGRATE", HOST, toPort, "", 0, 5_000, ...auth, "KEYS", ...keys);
    }
  }

  async waitUntilSettled(): Promise<void> {
    await this.waitFor("every node to report cluster_state:ok and agree on the slot map", async () => {
      const ports = this.livePorts();
      const states = await Promise.all(ports.map((port) => this.admin(port).call("CLUSTER", "INFO")));
      if (!states.every((state) => /^cluster_state:ok/m.test(String(state)))) return false;
      const maps = await Promise.all(ports.map(async (port) => slotMapKey(await this.slotOwners(port))));
      return maps.every((map) => map === maps[0]);
    });
  }

  /** A replica that has not synced yet cannot take over; kill tests need every replica linked. */
  async waitUntilReplicasSynced(): Promise<void> {
    await this.waitFor("every replica to finish its first sync", async () => {
      const replicas = (await this.nodes()).filter((node) => node.role === "replica");
      const infos = await Promise.all(replicas.map((node) => this.admin(node.port).info("replication")));
      return replicas.length === MASTERS && infos.every((info) => /^master_link_status:up/m.test(info));
    });
  }

  /** slot → owning master id, as one node sees it (CLUSTER SLOTS). */
  async slotOwners(port: number): Promise<Map<number, string>> {
    const ranges = (await this.admin(port).call("CLUSTER", "SLOTS")) as [
      number,
      number,
      [string, number, string],
    ][];
    const owners = new Map<number, string>();
    for (const [first, last, [, , id]] of ranges)
      for (let slot = first; slot <= last; slot++) owners.set(slot, id);
    return owners;
  }

  async waitFor(what: string, condition: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + this.settleTimeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        if (await condition()) return;
      } catch (error) {
        lastError = error; // a node may refuse while the cluster changes; keep polling
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new RedisClusterError(`timed out after ${this.settleTimeoutMs} ms waiting for ${what}`, {
      cause: lastError,
    });
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const client of this.clients) client.disconnect();
      this.clients.clear();
      this.admins.clear();
      await Promise.all([...this.servers.values()].map((server) => server.stop()));
    })();
    return this.#stopping;
  }
}
