// Cluster connection options: what a seed list turns into, and what is refused before anything connects.
import { Cluster, Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { isClusterSource, openCluster } from "../../src/connection/cluster-options.js";

const lazily = { lazyConnect: true } as const;

describe("openCluster", () => {
  it("takes the first seed URL's user, password and TLS for every node", () => {
    const cluster = openCluster(
      { cluster: ["rediss://svc:p%40ss@127.0.0.1:7000", { host: "127.0.0.1", port: 7001 }] },
      lazily,
    );
    expect(cluster.options.redisOptions).toMatchObject({ username: "svc", password: "p@ss", tls: {} });
    cluster.disconnect();
  });

  it("lets the caller's clusterOptions.redisOptions win over the URL's", () => {
    const cluster = openCluster(
      {
        cluster: ["redis://svc:url@127.0.0.1:7000"],
        clusterOptions: { redisOptions: { password: "given" } },
      },
      lazily,
    );
    expect(cluster.options.redisOptions?.password).toBe("given");
    cluster.disconnect();
  });

  it("duplicates a Cluster instead of sharing it", () => {
    const mine = new Cluster([{ host: "127.0.0.1", port: 7000 }], lazily);
    const theirs = openCluster(mine, lazily);
    expect(theirs).not.toBe(mine);
    expect(theirs).toBeInstanceOf(Cluster);
    theirs.disconnect();
    mine.disconnect();
  });

  it("refuses an empty seed list", () => {
    expect(() => openCluster({ cluster: [] }, lazily)).toThrow(/at least one seed node/);
  });
});

describe("isClusterSource", () => {
  it.each([
    ["a Cluster", () => new Cluster([7000], lazily), true],
    ["seed nodes", () => ({ cluster: ["redis://127.0.0.1:7000"] }), true],
    ["a Redis", () => new Redis(lazily), false],
    ["a URL", () => "redis://127.0.0.1:6379", false],
    ["ioredis options", () => ({ host: "127.0.0.1", port: 6379 }), false],
  ])("%s", (_name, make, expected) => {
    const value = make();
    expect(isClusterSource(value)).toBe(expected);
    if (typeof value === "object" && "disconnect" in value) value.disconnect();
  });
});
