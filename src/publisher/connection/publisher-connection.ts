// The connection the publisher sends on: the caller's Redis or Cluster, or one of its own made from options,
// a URL or cluster start-up nodes. Its own connections fail fast instead of queueing or retrying inside
// ioredis, so that the send lanes alone decide when a message goes again, and in which order.
import { Redis, type RedisOptions } from "ioredis";
import type { ChannelName } from "../../../generated/index.js";
import {
  type ClusterConnectionOptions,
  isClusterConnectionOptions,
  openCluster,
} from "../../connection/cluster-options.js";
import type { FallbackBuffer } from "../buffer/fallback-buffer.js";
import { isCluster, type PublishConnection, type PublishMode } from "../send/publish-transport.js";

/** What `connection` accepts: a client (kept by the caller), or what to create one from (owned). */
export type PublisherConnectionOption = PublishConnection | RedisOptions | string | ClusterConnectionOptions;

/** A publisher's configuration that cannot work; thrown by createPublisher before anything connects. */
export class PublisherConfigError extends Error {
  override readonly name = "PublisherConfigError";
}

/** The caller's client, or one of ours (owned: close() disconnects it). */
export function openConnection(
  connection: PublisherConnectionOption,
  buffer: FallbackBuffer,
): { client: PublishConnection; owned: boolean } {
  if (isClient(connection)) return { client: connection, owned: false };
  try {
    const client = isClusterConnectionOptions(connection)
      ? openCluster(connection, CLUSTER_FAIL_FAST)
      : createOwnedClient(connection);
    return { client, owned: true };
  } catch (error) {
    void buffer.close(); // do not leak the journal's file descriptor
    throw error;
  }
}

/**
 * On a cluster, PUBLISH's reply counts only the subscribers of the node that ran it, not the ones the
 * cluster bus reaches, so `minSubscribers` cannot be checked in classic mode there: refuse it up front.
 */
export function checkModeFitsChannels(
  connection: PublisherConnectionOption,
  mode: PublishMode,
  channels: { readonly [C in ChannelName]?: { readonly minSubscribers?: number } } | undefined,
): void {
  const onCluster = isClient(connection) ? isCluster(connection) : isClusterConnectionOptions(connection);
  if (!onCluster || mode !== "classic") return;
  const counted = Object.entries(channels ?? {}).filter(
    ([, settings]) => (settings?.minSubscribers ?? 0) > 0,
  );
  if (counted.length === 0) return;
  throw new PublisherConfigError(
    `minSubscribers on ${counted.map(([channel]) => channel).join(", ")} needs mode "sharded" on a Redis Cluster: ` +
      "a classic PUBLISH there counts only the subscribers of the one node that ran it",
  );
}

function isClient(connection: PublisherConnectionOption): connection is PublishConnection {
  return typeof connection === "object" && typeof (connection as Redis).publish === "function";
}

// Fail fast: a command while disconnected is rejected at once instead of queued (ioredis's default holds
// it for ~20 reconnection attempts), and one in flight is rejected as soon as the connection drops.
const FAIL_FAST = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
};

function createOwnedClient(connection: RedisOptions | string): Redis {
  // `as never`: ioredis's overloads reject its own RedisOptions under exactOptionalPropertyTypes (replyMapping).
  return typeof connection === "string"
    ? new Redis(connection, FAIL_FAST)
    : new Redis({ ...connection, ...FAIL_FAST } as never);
}

// ioredis would retry a command lost in a failover, or refused with CLUSTERDOWN, on a random node after a
// delay, each on its own: messages to one channel could overtake each other. The send lanes retry instead, in
// order. MOVED and ASK stay with ioredis: it follows them at once, in reply order.
// The cluster's offline queue stays on: the gate sends only while the cluster is ready, and without it ioredis
// refuses ("Connection is closed.") every command to a node whose connection is still being opened, which
// it opens lazily, on the first command: the first burst to each master would fail. Node connections still
// fail their commands at once when they drop (maxRetriesPerRequest 0, no resend).
const CLUSTER_FAIL_FAST = {
  retryDelayOnFailover: 0,
  retryDelayOnClusterDown: 0,
  redisOptions: { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false },
};
