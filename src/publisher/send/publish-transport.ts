// How one message goes out: PUBLISH (classic) or SPUBLISH (sharded), on a single Redis or a Redis Cluster,
// chosen once when the publisher is created. The send lanes and the replayer only call the function.
import calculateSlot from "cluster-key-slot";
import type { Cluster, Redis } from "ioredis";
import type { PubSubMode } from "../../connection/cluster-options.js";
import { SlotPinnedCommand } from "./ioredis-internals.js";

/** "classic": PUBLISH (a cluster broadcasts it to every node); "sharded": SPUBLISH (only the channel's shard). */
export type PublishMode = PubSubMode;

/** A single Redis or a Redis Cluster: what the publisher sends on. */
export type PublishConnection = Redis | Cluster;

/** Sends one serialised message to one concrete channel; resolves with the subscriber count Redis replies. */
export type PublishCommand = (address: string, body: string) => Promise<number>;

export function isCluster(connection: PublishConnection): connection is Cluster {
  return connection.isCluster;
}

/** The send function for a connection and a mode. */
export function publishCommandFor(connection: PublishConnection, mode: PublishMode): PublishCommand {
  if (!isCluster(connection)) {
    return mode === "sharded"
      ? (address, body) => connection.spublish(address, body) as Promise<number>
      : (address, body) => connection.publish(address, body);
  }
  // SPUBLISH's channel is its key: ioredis routes it to the slot's master and follows MOVED/ASK itself.
  if (mode === "sharded") return (address, body) => connection.spublish(address, body) as Promise<number>;
  // PUBLISH has no key, so ioredis would pick a random master for each one, and two messages to one channel
  // could reach subscribers through different nodes, out of order. Pinned to the channel's slot, every
  // PUBLISH to a channel goes through one node on one connection, like SPUBLISH.
  // calculateSlot is what ioredis itself routes a key by (hash tags included), and what the subscriber uses.
  return (address, body) => {
    const command = new SlotPinnedCommand("publish", [address, body], calculateSlot(address));
    connection.sendCommand(command);
    return command.promise as Promise<number>;
  };
}
