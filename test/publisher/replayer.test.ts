// The Replayer driven directly, with a send that answers when the test says: on a Redis Cluster the replies of
// different masters interleave, so a reply must settle its own entry, and the buffer is acknowledged in send
// order only. An entry whose PUBLISH failed is never acknowledged, whatever replies overtook it.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startRedisServer, stopAllRedisServers } from "../../scripts/support/redis-server.js";
import { createFallbackBuffer, type FallbackBuffer } from "../../src/publisher/buffer/fallback-buffer.js";
import { Replayer } from "../../src/publisher/buffer/replayer.js";
import { ConnectionGate } from "../../src/publisher/connection/connection-gate.js";
import { createEventHub } from "../../src/publisher/publisher-events.js";
import type { ReplyReceiver, SendAttempt } from "../../src/publisher/send/publish-attempt.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { waitFor } from "../support/publisher-fixtures.js";

const cleanups = cleanupAfterEach();
afterAll(stopAllRedisServers);

/** One PUBLISH the replayer sent, answered when the test calls reply() or reject(). */
interface Sent {
  readonly body: string;
  reply(subscribers: number): void;
  reject(error: Error): void;
}

async function readyGate(): Promise<ConnectionGate> {
  const server = await startRedisServer();
  const client = new Redis(server.url);
  cleanups.push(() => client.disconnect());
  if (client.status !== "ready") await new Promise((resolve) => client.once("ready", resolve));
  const gate = new ConnectionGate(client, {}, () => {});
  cleanups.push(() => gate.dispose());
  return gate;
}

async function replayerOver(bodies: readonly string[]) {
  const buffer: FallbackBuffer = createFallbackBuffer({ capacity: 100 });
  cleanups.push(() => buffer.close());
  for (const body of bodies) buffer.append("signals.generated", body);
  const sent: Sent[] = [];
  const send: SendAttempt = <T>(
    _address: string,
    body: string,
    item: T,
    attempt: number,
    to: ReplyReceiver<T>,
  ) => {
    sent.push({
      body,
      reply: (subscribers) => to.onReply(item, attempt, subscribers),
      reject: (error) => to.onError(item, attempt, error),
    });
  };
  const replayed: string[] = [];
  const replayer = new Replayer({
    send,
    gate: await readyGate(),
    buffer,
    hub: createEventHub({}),
    logger: {},
    commandTimeoutMs: 60_000,
    initialDelayMs: 60_000,
    maxDelayMs: 60_000,
    minSubscribersOf: () => 0,
    onReplayed: (entry) => replayed.push(entry.payload),
    onDroppedInFlight: () => {},
  });
  cleanups.push(() => replayer.stop());
  return { buffer, sent, replayed, replayer };
}

const bodiesIn = (buffer: FallbackBuffer) => buffer.entries().map((entry) => entry.payload);

describe("Replayer, replies out of send order", () => {
  it("a later entry's reply first, then the earlier one fails: neither is acknowledged, both stay buffered", async () => {
    const { buffer, sent, replayed, replayer } = await replayerOver(["a", "b", "c"]);
    const pass = replayer.replay();
    await waitFor(() => sent.length === 3, "the pass to send all three");
    sent[1]?.reply(1); // b's master answers first
    sent[0]?.reject(new Error("connection lost")); // a's PUBLISH fails
    sent[2]?.reply(1);
    await pass;
    expect({ replayed, buffered: bodiesIn(buffer) }).toEqual({ replayed: [], buffered: ["a", "b", "c"] });
  });

  it("replies in any order: every entry acknowledged, in send order, once all earlier replies came", async () => {
    const { buffer, sent, replayed, replayer } = await replayerOver(["a", "b", "c", "d"]);
    const pass = replayer.replay();
    await waitFor(() => sent.length === 4, "the pass to send all four");
    sent[2]?.reply(1);
    sent[1]?.reply(1);
    expect(replayed).toEqual([]); // a's reply is still due
    sent[0]?.reply(1);
    expect(replayed).toEqual(["a", "b", "c"]);
    sent[3]?.reply(1);
    await pass;
    expect({ replayed, buffered: bodiesIn(buffer) }).toEqual({
      replayed: ["a", "b", "c", "d"],
      buffered: [],
    });
  });

  it("the earlier entries answered, a later one fails: those before it are acknowledged, the rest stays", async () => {
    const { buffer, sent, replayed, replayer } = await replayerOver(["a", "b", "c", "d"]);
    const pass = replayer.replay();
    await waitFor(() => sent.length === 4, "the pass to send all four");
    sent[3]?.reply(1);
    sent[0]?.reply(1);
    sent[2]?.reject(new Error("MOVED 1234 127.0.0.1:7001"));
    sent[1]?.reply(1);
    await pass;
    expect({ replayed, buffered: bodiesIn(buffer) }).toEqual({ replayed: ["a"], buffered: ["b", "c", "d"] });
  });
});
