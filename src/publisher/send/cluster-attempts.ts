// The fast path on a Redis Cluster: each attempt goes as a PublishAttempt straight to the connection of the
// master that the cluster's slot map names for its channel's slot, a tick's PUBLISHes to each master sharing
// its socket writes (tick-writes.ts), instead of through Cluster#sendCommand and a promise. All of a channel's
// attempts take its slot's master (PUBLISH pinned to the slot, as on the public path; SPUBLISH by its key),
// so they keep their order.
import calculateSlot from "cluster-key-slot";
import type { Cluster } from "ioredis";
import {
  type PublishCommandName,
  pointSlotAtMovedTarget,
  type ReplyReceiver,
  readyMasterOf,
  sendPublishAttempt,
} from "./ioredis-internals.js";
import type { SendAttempt } from "./publish-attempt.js";
import { isReplyError } from "./retry.js";
import { tickWrites } from "./tick-writes.js";

/**
 * A master's reply that says the slot map this process routed by is out of date: the slot has moved (MOVED)
 * or is moving (ASK). The Cluster follows these itself for what it sends; the fast path does not.
 */
export function isRedirect(error: unknown): boolean {
  if (!isReplyError(error)) return false;
  return error.message.startsWith("MOVED ") || error.message.startsWith("ASK ");
}

/**
 * Sends attempts on a cluster. Where the slot's master has no ready connection yet (the first send to it, a
 * failover), the attempt goes through `viaCluster`, the public path, which routes it to that same node: the
 * node's offline queue is flushed, in order, before its status turns ready and any attempt goes direct.
 * A redirect refreshes the slot map (a MOVED points its slot at the new owner at once) and reaches the lanes
 * as a transient failure (see retry.ts): they send the message and the ones after it again, in order, to the
 * master the map then names.
 */
export class ClusterAttempts {
  readonly #cluster: Cluster;
  readonly #name: PublishCommandName;
  readonly #viaCluster: SendAttempt;
  readonly #beforeWrite = tickWrites();
  // One redirect-watching receiver per receiver (the lanes', the replayer's), made once: none per attempt.
  readonly #watchers = new WeakMap<object, ReplyReceiver<unknown>>();

  constructor(cluster: Cluster, name: PublishCommandName, viaCluster: SendAttempt) {
    this.#cluster = cluster;
    this.#name = name;
    this.#viaCluster = viaCluster;
  }

  readonly send: SendAttempt = (address, body, item, attempt, receiver) => {
    const master = readyMasterOf(this.#cluster, calculateSlot(address));
    if (master === undefined) {
      this.#viaCluster(address, body, item, attempt, receiver);
      return;
    }
    this.#beforeWrite(master);
    sendPublishAttempt(master, this.#name, address, body, item, attempt, this.#watching(receiver));
  };

  #watching<T>(receiver: ReplyReceiver<T>): ReplyReceiver<T> {
    let watcher = this.#watchers.get(receiver) as ReplyReceiver<T> | undefined;
    if (watcher === undefined) {
      const cluster = this.#cluster;
      watcher = {
        onReply: (item, attempt, subscribers) => receiver.onReply(item, attempt, subscribers),
        onError(item, attempt, error) {
          if (isRedirect(error)) {
            pointSlotAtMovedTarget(cluster, (error as Error).message);
            // ioredis coalesces refreshes: a burst of redirects costs one CLUSTER SLOTS.
            cluster.refreshSlotsCache();
          }
          receiver.onError(item, attempt, error);
        },
      };
      this.#watchers.set(receiver, watcher as ReplyReceiver<unknown>);
    }
    return watcher;
  }
}
