// The publish mode on a single Redis 7: "sharded" sends SPUBLISH (only SSUBSCRIBE subscribers hear it),
// "classic" (the default) sends PUBLISH (only SUBSCRIBE subscribers hear it).
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createPublisher } from "../../src/publisher/publisher.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { signalEvent, waitFor } from "../support/publisher-fixtures.js";
import { redisServerForTest } from "../support/redis-for-test.js";

const cleanups = cleanupAfterEach();
const CHANNEL = "signals.generated";

/** One SUBSCRIBE and one SSUBSCRIBE connection, each recording the sequence numbers it receives. */
async function bothKindsOfSubscriber(url: string): Promise<{ classic: number[]; sharded: number[] }> {
  const classic: number[] = [];
  const sharded: number[] = [];
  const classicClient = new Redis(url);
  const shardedClient = new Redis(url);
  cleanups.push(
    () => classicClient.disconnect(),
    () => shardedClient.disconnect(),
  );
  const seqOf = (body: string) => (JSON.parse(body) as { num_signals: number }).num_signals;
  classicClient.on("message", (_channel: string, body: string) => classic.push(seqOf(body)));
  shardedClient.on("smessage", (_channel: string, body: string) => sharded.push(seqOf(body)));
  await classicClient.subscribe(CHANNEL);
  await shardedClient.ssubscribe(CHANNEL);
  return { classic, sharded };
}

describe("publish mode on a single Redis", () => {
  it.each([
    ["classic (the default) sends PUBLISH", undefined, "classic"],
    ["classic sends PUBLISH", "classic", "classic"],
    ["sharded sends SPUBLISH", "sharded", "sharded"],
  ] as const)("%s", async (_name, mode, heard) => {
    const server = await redisServerForTest(cleanups);
    const received = await bothKindsOfSubscriber(server.url);
    const publisher = createPublisher({ connection: server.url, ...(mode ? { mode } : {}) });
    cleanups.push(() => publisher.close());
    for (let n = 1; n <= 3; n++) {
      const result = await publisher.publish("signals.generated", signalEvent(n));
      expect(result).toMatchObject({ status: "published", subscribers: 1 });
    }
    await waitFor(() => received[heard].length === 3, `the ${heard} subscriber to receive 3 messages`);
    expect(received[heard]).toEqual([1, 2, 3]);
    // The other kind heard nothing: a marker sent its way afterwards arrives first and alone.
    const other = heard === "classic" ? "sharded" : "classic";
    const marker = new Redis(server.url);
    cleanups.push(() => marker.disconnect());
    await marker.call(other === "classic" ? "PUBLISH" : "SPUBLISH", CHANNEL, JSON.stringify(signalEvent(99)));
    await waitFor(() => received[other].length > 0, `the ${other} subscriber to receive the marker`);
    expect(received[other]).toEqual([99]);
  });
});
