// Proves the cluster fixture on one real cluster (the tests run in order and build on each other): 3 masters
// with a replica each, slot ownership that a node itself confirms, a slot migration, a failover, and a stop
// that leaves no process behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisClusterHandle, startRedisCluster } from "../../scripts/support/redis-cluster.js";

let cluster: RedisClusterHandle;
beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(() => cluster?.stop());

const CHANNEL = "trading.signals";

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SSUBSCRIBE on one node: the owner accepts, any other node answers MOVED. */
async function ssubscribeOn(port: number, channel: string): Promise<unknown> {
  const client = cluster.connectTo(port);
  try {
    return await client.call("SSUBSCRIBE", channel);
  } finally {
    client.disconnect();
  }
}

describe("startRedisCluster", () => {
  it("starts 3 masters with one replica each on loopback ports that leave room for the cluster bus", async () => {
    const nodes = await cluster.nodes();
    const masters = nodes.filter((node) => node.role === "master");
    const replicas = nodes.filter((node) => node.role === "replica");
    expect(masters).toHaveLength(3);
    expect(replicas).toHaveLength(3);
    expect(new Set(replicas.map((node) => node.masterId))).toEqual(new Set(masters.map((node) => node.id)));
    for (const node of nodes) {
      expect(node.port).toBeLessThanOrEqual(55_535);
      expect(node.port).not.toBe(6379);
      expect(isAlive(node.pid)).toBe(true);
      expect(node.failed).toBe(false);
    }
    expect(cluster.startupNodes.map((node) => node.port).sort()).toEqual(
      nodes.map((node) => node.port).sort(),
    );
    const info = String(await cluster.connectTo(masters[0]?.port ?? -1).call("CLUSTER", "INFO"));
    expect(info).toMatch(/^cluster_slots_assigned:16384/m);
  });

  it("names the master owning a channel's slot, which that node itself confirms", async () => {
    const slot = await cluster.slotOf(CHANNEL);
    expect(slot).toBeGreaterThanOrEqual(0);
    expect(slot).toBeLessThan(16_384);
    const owner = await cluster.masterFor(CHANNEL);
    expect(await ssubscribeOn(owner.port, CHANNEL)).toBe(1);
    const other = (await cluster.nodes()).find((node) => node.role === "master" && node.id !== owner.id);
    await expect(ssubscribeOn(other?.port ?? -1, CHANNEL)).rejects.toThrow(new RegExp(`MOVED ${slot} `));
  });

  it("migrates a slot to another master, and every node then sends its clients there", async () => {
    const slot = await cluster.slotOf(CHANNEL);
    const before = await cluster.masterFor(CHANNEL);
    const target = (await cluster.nodes()).find((node) => node.role === "master" && node.id !== before.id);
    await cluster.migrateSlot(slot, target?.port ?? -1);
    const after = await cluster.masterFor(CHANNEL);
    expect(after.port).toBe(target?.port);
    expect(await ssubscribeOn(after.port, CHANNEL)).toBe(1);
    await expect(ssubscribeOn(before.port, CHANNEL)).rejects.toThrow(
      new RegExp(`MOVED ${slot} 127.0.0.1:${after.port}`),
    );
  });

  it("refuses to migrate a slot to the master that already owns it, or to a replica", async () => {
    const slot = await cluster.slotOf(CHANNEL);
    const owner = await cluster.masterFor(CHANNEL);
    await expect(cluster.migrateSlot(slot, owner.port)).rejects.toThrow(/already on/);
    const replica = (await cluster.nodes()).find((node) => node.role === "replica");
    await expect(cluster.migrateSlot(slot, replica?.port ?? -1)).rejects.toThrow(/not a live master/);
  });

  it("kills a master by PID; its replica takes over the channel's slot and the cluster is ok again", async () => {
    const victim = await cluster.masterFor(CHANNEL);
    // Something replicated first: the replica's connection then keeps a reference into the replication
    // buffer (CLIENT LIST shows it as oll=1 for good), which must not pass for a subscriber owed a message.
    await cluster.connectTo(victim.port).set(`{${CHANNEL}}:replicated`, "1");
    const promoted = await cluster.killMaster(victim.port);
    expect(isAlive(victim.pid)).toBe(false);
    expect(promoted.masterId).toBeUndefined();
    expect((await cluster.masterFor(CHANNEL)).id).toBe(promoted.id);
    expect(await ssubscribeOn(promoted.port, CHANNEL)).toBe(1);
    const dead = (await cluster.nodes()).find((node) => node.id === victim.id);
    expect(dead?.failed).toBe(true);
    await expect(cluster.killMaster(victim.port)).rejects.toThrow(/not a live master/);
  });

  it("restarts the killed master on its port: it comes back as a replica of the one that replaced it", async () => {
    const dead = (await cluster.nodes()).find((node) => node.failed);
    const owner = await cluster.masterFor(CHANNEL);
    await cluster.restartNodes([dead?.port ?? -1]);
    const back = (await cluster.nodes()).find((node) => node.id === dead?.id);
    expect(back).toMatchObject({ role: "replica", masterId: owner.id, failed: false });
    expect(isAlive(back?.pid)).toBe(true);
    await expect(cluster.restartNodes([owner.port])).rejects.toThrow(/is running/);
  });

  it("kills a shard whole, master and replica: the cluster is down until both are restarted", async () => {
    const owner = await cluster.masterFor(CHANNEL);
    const killed = await cluster.killShard(owner.port);
    expect(killed.map((node) => node.role).sort()).toEqual(["master", "replica"]);
    for (const node of killed) expect(isAlive(node.pid)).toBe(false);
    const [live] = (await cluster.nodes()).filter((node) => !node.failed);
    const observer = cluster.connectTo(live?.port ?? -1);
    expect(String(await observer.call("CLUSTER", "INFO"))).toMatch(/^cluster_state:fail/m);
    await expect(observer.call("SPUBLISH", CHANNEL, "x")).rejects.toThrow(/CLUSTERDOWN|MOVED/);

    await cluster.restartNodes(killed.map((node) => node.port));
    expect((await cluster.masterFor(CHANNEL)).id).toBe(owner.id);
    expect(String(await observer.call("CLUSTER", "INFO"))).toMatch(/^cluster_state:ok/m);
    expect((await cluster.nodes()).filter((node) => node.failed)).toEqual([]);
  });

  it("stop() ends every node it started, and is safe to call twice", async () => {
    const pids = (await cluster.nodes()).map((node) => node.pid).filter((pid) => pid !== undefined);
    expect(pids.length).toBe(6);
    await Promise.all([cluster.stop(), cluster.stop()]);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});
