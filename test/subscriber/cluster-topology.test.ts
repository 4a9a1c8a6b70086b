// How the cluster subscriber reaches a node of the slot map: the cluster's per-node options, and the
// cluster's natMap as ioredis's own connections use it. The seed is a closed loopback port: only options.
import { afterEach, describe, expect, it } from "vitest";
import { findFreePort } from "../../scripts/support/redis-server.js";
import type { ClusterConnectionOptions } from "../../src/connection/cluster-options.js";
import { ClusterTopology } from "../../src/subscriber/cluster/cluster-topology.js";

let topology: ClusterTopology | undefined;
afterEach(() => topology?.close());

async function topologyWith(
  clusterOptions: NonNullable<ClusterConnectionOptions["clusterOptions"]>,
): Promise<ClusterTopology> {
  const closed = await findFreePort();
  const options = { cluster: [`redis://svc:secret@127.0.0.1:${closed}`], clusterOptions };
  topology = new ClusterTopology(options, { onRefresh: () => {}, onError: () => {} });
  return topology;
}

describe("ClusterTopology.nodeOptions", () => {
  it.each([
    ["no natMap: the slot map's host and port", undefined, { host: "127.0.0.7", port: 7001 }],
    [
      "a natMap object",
      { "127.0.0.7:7001": { host: "127.0.0.1", port: 30001 } },
      { host: "127.0.0.1", port: 30001 },
    ],
    [
      "a natMap function",
      (key: string) => (key === "127.0.0.7:7001" ? { host: "127.0.0.1", port: 30002 } : null),
      { host: "127.0.0.1", port: 30002 },
    ],
  ])("%s, with the cluster's credentials", async (_reason, natMap, expected) => {
    const cluster = await topologyWith(natMap === undefined ? {} : { natMap });
    expect(cluster.nodeOptions("127.0.0.7:7001")).toMatchObject({
      ...expected,
      username: "svc",
      password: "secret",
    });
  });

  it("splits an IPv6 node key at its last colon", async () => {
    const cluster = await topologyWith({});
    expect(cluster.nodeOptions("::1:7001")).toMatchObject({ host: "::1", port: 7001 });
  });

  it("knows no slot map before it read one", async () => {
    const cluster = await topologyWith({});
    expect(cluster.known).toBe(false);
    expect(cluster.ownerOf("orders.executed")).toBeUndefined();
    expect(cluster.masters()).toEqual([]);
  });
});
