// Type tests: what `connection` and `mode` accept, a Redis Cluster included.
import type { Cluster, Redis } from "ioredis";
import { describe, expectTypeOf, it } from "vitest";
import { createPublisher, type PublisherOptions } from "../../src/publisher/index.js";

declare const redis: Redis;
declare const cluster: Cluster;

describe("createPublisher's connection and mode", () => {
  it("takes a Redis, a Cluster, a URL, Redis options or cluster start-up nodes", () => {
    createPublisher({ connection: redis });
    createPublisher({ connection: cluster, mode: "sharded" });
    createPublisher({ connection: "redis://127.0.0.1:7000" });
    createPublisher({ connection: { host: "127.0.0.1", port: 7000 } });
    createPublisher({
      connection: {
        cluster: [{ host: "127.0.0.1", port: 7000 }, "redis://127.0.0.1:7001"],
        clusterOptions: { slotsRefreshTimeout: 2_000 },
      },
      mode: "classic",
    });
    expectTypeOf<PublisherOptions["mode"]>().toEqualTypeOf<"classic" | "sharded" | undefined>();
  });

  it("refuses a mode that does not exist and cluster nodes that are not nodes", () => {
    // @ts-expect-error sharded pub/sub is "sharded", there is no "spublish" mode
    createPublisher({ connection: cluster, mode: "spublish" });
    // @ts-expect-error start-up nodes are addresses, not booleans
    createPublisher({ connection: { cluster: [true] } });
  });
});
