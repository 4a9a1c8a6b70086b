// Pub/sub keeps nothing: a message Redis has answered "1 subscriber" for, but not yet written to that
// subscriber's socket, dies with the server. A test that SIGKILLs Redis and then counts arrivals cannot tell
// that loss from a bug in the runtime (README, "Delivery guarantee"), so it first lets Redis write out what it
// has acknowledged. CLIENT PAUSE WRITE holds every later PUBLISH and SPUBLISH unanswered, so the publisher's
// in-flight commands still meet the outage, and "acknowledged to a subscriber" then means "received".
import type { Redis } from "ioredis";

const POLL_MS = 1;
const PAUSE_MS = 30_000;

/**
 * Holds new PUBLISH/SPUBLISH on the server behind `admin`, and resolves once no subscriber has output pending.
 * A subscriber that never reads would hold it forever: after `timeoutMs` it fails, naming the subscribers.
 */
export async function holdPublishesUntilFlushed(admin: Redis, timeoutMs = 20_000): Promise<void> {
  await admin.call("CLIENT", "PAUSE", PAUSE_MS, "WRITE");
  const self = String(await admin.call("CLIENT", "ID"));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = String(await admin.call("CLIENT", "LIST"));
    const pending = subscribersWithPendingOutput(list, self);
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      const lines = list.split("\n").filter((line) => pending.includes(/^id=(\d+)/.exec(line)?.[1] ?? ""));
      throw new Error(`output still pending after ${timeoutMs} ms for:\n${lines.join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * The ids of the subscribers in a CLIENT LIST reply (`sub`, `psub` or `ssub` above 0), other than `self`, that
 * still have bytes to be written: in the static buffer (`obl`) or in the reply list (`oll`). Only a subscriber
 * can be owed a message. A replica's `oll` counts the replication buffer blocks it still references, one for
 * good once anything was replicated, so counting it would wait forever.
 */
export function subscribersWithPendingOutput(clientList: string, self: string): string[] {
  return clientList
    .split("\n")
    .map((line) => Object.fromEntries(line.split(" ").map((field) => field.split("=", 2))))
    .filter((client) => client.id !== undefined && client.id !== self)
    .filter((client) => [client.sub, client.psub, client.ssub].some((count) => Number(count ?? 0) > 0))
    .filter((client) => client.obl !== "0" || client.oll !== "0")
    .map((client) => String(client.id));
}
