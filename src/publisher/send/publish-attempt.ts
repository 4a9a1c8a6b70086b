// One PUBLISH attempt of the send lanes, whose reply goes straight to a receiver. On a single Redis in
// classic mode, and on a Redis Cluster in either mode, that is the fast path of ioredis-internals.ts (no
// promise, no promise callbacks and no microtask hops per message, a tick's PUBLISHes sharing socket writes
// as tick-writes.ts says), unless the probe says the installed ioredis does not fit; elsewhere it is the
// public promise-returning send. Each attempt still carries its own message:
// ioredis may reject a new command at once, ahead of the replies to earlier ones, so replies are never paired
// by order.
import diagnosticsChannel from "node:diagnostics_channel";
import type { Cluster } from "ioredis";
import { ClusterAttempts } from "./cluster-attempts.js";
import {
  fastPathFits,
  probeClusterInternals,
  type ReplyReceiver,
  sendPublishAttempt,
} from "./ioredis-internals.js";
import {
  isCluster,
  type PublishCommand,
  type PublishConnection,
  type PublishMode,
} from "./publish-transport.js";
import { tickWrites } from "./tick-writes.js";

export type { ReplyReceiver };

/** Sends one attempt; exactly one of the receiver's methods is called once, later, never synchronously. */
export type SendAttempt = <T>(
  address: string,
  body: string,
  item: T,
  attempt: number,
  receiver: ReplyReceiver<T>,
) => void;

/** "auto": the fast path where it fits; "public": only ioredis's public API. */
export type SendPathOption = "auto" | "public";

/**
 * How attempts are sent, as `stats().sendPath` reports it. `public` says why: `sharded` by design (SPUBLISH on
 * a single Redis), `chosen` by the `sendPath` option, `ioredis` where the installed ioredis or the client does
 * not fit the fast path (the publisher then logs a warning once).
 */
export type SendPath =
  | { readonly via: "fast" }
  | { readonly via: "public"; readonly why: "sharded" | "chosen" }
  | { readonly via: "public"; readonly why: "ioredis"; readonly reason: string };

// ioredis's `command` tracing channel: a subscriber (an APM tool) gets the command's promise to trace, so
// while one listens, attempts go the promise way.
const commandTracing = diagnosticsChannel.tracingChannel("ioredis:command");

/** The path attempts take on `connection` in `mode`. */
export function sendPathFor(
  connection: PublishConnection,
  mode: PublishMode,
  option: SendPathOption = "auto",
): SendPath {
  if (option === "public") return { via: "public", why: "chosen" };
  if (!isCluster(connection) && mode !== "classic") return { via: "public", why: "sharded" };
  const fits = isCluster(connection) ? probeClusterInternals(connection) : fastPathFits(connection);
  return fits.usable ? { via: "fast" } : { via: "public", why: "ioredis", reason: fits.reason };
}

/** The attempt sender for a path; `command` is the promise-returning send of the public path. */
export function sendAttemptFor(
  connection: PublishConnection,
  mode: PublishMode,
  path: SendPath,
  command: PublishCommand,
): SendAttempt {
  const viaPromise: SendAttempt = (address, body, item, attempt, receiver) => {
    command(address, body).then(
      (subscribers) => receiver.onReply(item, attempt, subscribers),
      (error: unknown) => receiver.onError(item, attempt, error),
    );
  };
  if (path.via === "public") return viaPromise;
  const fast = isCluster(connection)
    ? new ClusterAttempts(connection, mode === "sharded" ? "spublish" : "publish", viaPromise).send
    : singleNodeAttempts(connection);
  return (address, body, item, attempt, receiver) => {
    if (commandTracing.hasSubscribers) viaPromise(address, body, item, attempt, receiver);
    else fast(address, body, item, attempt, receiver);
  };
}

// With or without the client's auto-pipelining, a tick's PUBLISHes share socket writes as tick-writes.ts
// describes; their order is unchanged.
function singleNodeAttempts(connection: Exclude<PublishConnection, Cluster>): SendAttempt {
  const beforeWrite = tickWrites();
  return (address, body, item, attempt, receiver) => {
    beforeWrite(connection);
    sendPublishAttempt(connection, "publish", address, body, item, attempt, receiver);
  };
}
