// How a client reaches a Redis Cluster: an ioredis `Cluster` to duplicate, or seed nodes (redis:// URLs or
// host/port) with ioredis cluster options; and which pub/sub the client speaks on it.
import { Cluster, type ClusterOptions, type RedisOptions } from "ioredis";
import { redisOptionsFromUrl } from "./redis-url.js";

/**
 * `classic`: PUBLISH / SUBSCRIBE / PSUBSCRIBE, broadcast by the cluster bus to every node.
 * `sharded`: SPUBLISH / SSUBSCRIBE, kept on the shard that owns the channel's slot (Redis 7+); there is
 * no sharded pattern subscription.
 */
export type PubSubMode = "classic" | "sharded";

export interface ClusterConnectionOptions {
  /** Seed nodes: redis:// or rediss:// URLs (the first one's user, password and TLS apply to every node) or host/port. */
  readonly cluster: readonly (string | { readonly host: string; readonly port: number })[];
  /** ioredis Cluster options (`redisOptions` holds the per-node ones). */
  readonly clusterOptions?: Omit<ClusterOptions, "shardedSubscribers">;
}

export function isClusterConnectionOptions(value: unknown): value is ClusterConnectionOptions {
  return (
    typeof value === "object" && value !== null && Array.isArray((value as { cluster?: unknown }).cluster)
  );
}

/** A connection source that means a cluster: a Cluster instance or seed nodes. */
export function isClusterSource(value: unknown): value is Cluster | ClusterConnectionOptions {
  return value instanceof Cluster || isClusterConnectionOptions(value);
}

/** A new Cluster client of its own for `source`, with `overrides` on top of the caller's options. */
export function openCluster(source: Cluster | ClusterConnectionOptions, overrides: ClusterOptions): Cluster {
  if (source instanceof Cluster) return source.duplicate(undefined, overrides as IoredisClusterOptions);
  if (source.cluster.length === 0) throw new TypeError("a cluster connection needs at least one seed node");
  let fromUrl: RedisOptions = {};
  const seeds = source.cluster.map((seed) => {
    if (typeof seed !== "string") return { host: seed.host, port: seed.port };
    const { host = "127.0.0.1", port = 6379, ...rest } = redisOptionsFromUrl(seed);
    if (Object.keys(fromUrl).length === 0) fromUrl = rest;
    return { host, port };
  });
  const options = source.clusterOptions ?? {};
  const redisOptions = { ...fromUrl, ...options.redisOptions, ...overrides.redisOptions };
  return new Cluster(seeds, { ...options, ...overrides, redisOptions } as IoredisClusterOptions);
}

/** What the Cluster constructor takes (ClusterOptions plus a reply mapping, which the caller never sets). */
type IoredisClusterOptions = NonNullable<ConstructorParameters<typeof Cluster>[1]>;
