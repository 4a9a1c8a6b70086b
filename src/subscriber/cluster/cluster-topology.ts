// The slot map of a Redis Cluster, for a subscriber that opens its own connection to each node: which
// master owns a channel's slot, which masters there are, and how to reach a node. Its Cluster client
// only reads CLUSTER SLOTS (at connect and on refresh()); it never subscribes.
import calculateSlot from "cluster-key-slot";
import type { Cluster, RedisOptions } from "ioredis";
import { type ClusterConnectionOptions, openCluster } from "../../connection/cluster-options.js";
import { explainConnectionError } from "../../connection/tls-failure.js";
import { SubscriberConnectionError } from "../errors.js";

export interface TopologyCallbacks {
  /** A fresh slot map arrived (at connect, after refresh(), after a MOVED seen by the client). */
  readonly onRefresh: () => void;
  readonly onError: (error: Error) => void;
}

export class ClusterTopology {
  private readonly cluster: Cluster;

  constructor(source: Cluster | ClusterConnectionOptions, callbacks: TopologyCallbacks) {
    this.cluster = openCluster(source, { lazyConnect: false, shardedSubscribers: false });
    this.cluster.on("refresh", () => callbacks.onRefresh());
    this.cluster.on("error", (error: unknown) =>
      callbacks.onError(new SubscriberConnectionError(explainConnectionError(error))),
    );
  }

  /** Whether a slot map was read at least once. */
  get known(): boolean {
    return this.cluster.slots.some((owners) => owners !== undefined && owners.length > 0);
  }

  /** "host:port" of the master that owns the channel's slot, as last read. */
  ownerOf(channel: string): string | undefined {
    return this.cluster.slots[calculateSlot(channel)]?.[0];
  }

  /** Every master in the slot map, in slot order. */
  masters(): string[] {
    const masters = new Set<string>();
    for (const owners of this.cluster.slots) if (owners?.[0] !== undefined) masters.add(owners[0]);
    return [...masters];
  }

  /**
   * Options for a connection of one's own to a node: the cluster's per-node options, that host and port
   * (through the cluster's natMap, as ioredis's own connections go).
   */
  nodeOptions(nodeKey: string): Omit<RedisOptions, "replyMapping"> {
    const { replyMapping: _ignored, ...common } = this.cluster.options.redisOptions ?? {};
    const { natMap } = this.cluster.options;
    const mapped = typeof natMap === "function" ? natMap(nodeKey) : natMap?.[nodeKey];
    if (mapped) return { ...common, host: mapped.host, port: mapped.port };
    const colon = nodeKey.lastIndexOf(":");
    return { ...common, host: nodeKey.slice(0, colon), port: Number(nodeKey.slice(colon + 1)) };
  }

  /** Reads the slot map again; resolves once read (or once every node failed to answer). */
  refresh(): Promise<void> {
    return new Promise((resolve) => this.cluster.refreshSlotsCache(() => resolve()));
  }

  close(): void {
    this.cluster.disconnect();
  }
}
