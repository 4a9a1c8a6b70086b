// Proves the kill helper the outage and failover tests rely on: it waits while a subscriber still has bytes
// owed to it, and resolves once Redis has written them out.
import net from "node:net";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  holdPublishesUntilFlushed,
  subscribersWithPendingOutput,
} from "../../scripts/support/pubsub-flush.js";
import { stopAllRedisServers } from "../../scripts/support/redis-server.js";
import { cleanupAfterEach } from "./cleanups.js";
import { waitFor } from "./publisher-fixtures.js";
import { redisServerForTest } from "./redis-for-test.js";

const cleanups = cleanupAfterEach();
afterAll(stopAllRedisServers);

const line = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");

async function clientListCalls(client: Redis): Promise<number> {
  const stats = String(await client.info("commandstats"));
  return Number(/^cmdstat_client\|list:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
}

/** A server without pub/sub output limits, an admin connection for the helper and an observer for the test. */
async function serverWithClients() {
  const redis = await redisServerForTest(cleanups);
  const admin = new Redis(redis.url);
  const observer = new Redis(redis.url);
  cleanups.push(
    () => admin.disconnect(),
    () => observer.disconnect(),
  );
  await admin.config("SET", "client-output-buffer-limit", "pubsub 0 0 0");
  return { redis, admin, observer };
}

/** A subscriber that has stopped reading and is owed 24 MB: more than the kernel's socket buffers take. */
async function stalledSubscriberOwed(port: number, publisher: Redis) {
  const slow = net.connect(port, "127.0.0.1");
  cleanups.push(() => slow.destroy());
  const received = { bytes: 0 };
  slow.on("data", (chunk) => {
    received.bytes += chunk.length;
  });
  slow.write("SUBSCRIBE big\r\n");
  await waitFor(() => received.bytes > 0, "the SUBSCRIBE reply");
  slow.pause();
  const body = "x".repeat(24 * 1024 * 1024);
  expect(await publisher.publish("big", body)).toBe(1);
  return { slow, received, body };
}

describe("subscribersWithPendingOutput", () => {
  it("names the subscribers other than itself with bytes in the static buffer or the reply list", () => {
    const list = [
      line({ id: "3", flags: "N", sub: "0", psub: "0", ssub: "0", obl: "0", oll: "0", cmd: "client|list" }),
      line({ id: "4", flags: "P", sub: "1", psub: "0", ssub: "0", obl: "120", oll: "0", cmd: "subscribe" }),
      line({ id: "5", flags: "P", sub: "0", psub: "0", ssub: "2", obl: "0", oll: "2", cmd: "ssubscribe" }),
      line({ id: "6", flags: "P", sub: "0", psub: "1", ssub: "0", obl: "0", oll: "0", cmd: "psubscribe" }),
      line({ id: "7", flags: "P", sub: "0", psub: "3", ssub: "0", obl: "9", oll: "0", cmd: "psubscribe" }),
      // A replica still referencing a replication buffer block, and a client owed a reply: no subscriber.
      line({ id: "8", flags: "S", sub: "0", psub: "0", ssub: "0", obl: "0", oll: "1", cmd: "psync" }),
      line({ id: "9", flags: "N", sub: "0", psub: "0", ssub: "0", obl: "40", oll: "0", cmd: "publish" }),
      "",
    ].join("\n");
    expect(subscribersWithPendingOutput(list, "7")).toEqual(["4", "5"]);
    expect(subscribersWithPendingOutput(list, "4")).toEqual(["5", "7"]);
  });
});

describe("holdPublishesUntilFlushed", () => {
  it("waits while a subscriber that reads nothing is owed a message, and resolves once it has read it all", async () => {
    const { redis, admin, observer } = await serverWithClients();

    const { slow, received, body } = await stalledSubscriberOwed(redis.port, observer);
    let flushed = false;
    const holding = holdPublishesUntilFlushed(admin).then(() => {
      flushed = true;
    });
    holding.catch(() => {}); // awaited below; a failed assertion before then must not leave it unhandled
    // It has looked three times (the observer itself never sends CLIENT LIST), and found output pending.
    while ((await clientListCalls(observer)) < 3) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(flushed).toBe(false);
    // The subscriber is still owed bytes.
    const self = String(await observer.call("CLIENT", "ID"));
    const list = String(await observer.call("CLIENT", "LIST"));
    const subscriberId = /^id=(\d+) .* sub=1 /m.exec(list)?.[1];
    expect(subscriberId).toBeDefined();
    expect(subscribersWithPendingOutput(list, self)).toEqual([subscriberId]);

    slow.resume();
    await holding;
    const frame = `*3\r\n$7\r\nmessage\r\n$3\r\nbig\r\n$${body.length}\r\n`;
    const subscribeReply = "*3\r\n$9\r\nsubscribe\r\n$3\r\nbig\r\n:1\r\n";
    await waitFor(
      () => received.bytes === subscribeReply.length + frame.length + body.length + 2,
      "the whole message",
    );
    await admin.call("CLIENT", "UNPAUSE");
  });

  it("fails after its timeout, naming the client that never read what it is owed", async () => {
    const { redis, admin, observer } = await serverWithClients();
    await stalledSubscriberOwed(redis.port, observer);
    await expect(holdPublishesUntilFlushed(admin, 300)).rejects.toThrow(
      /^output still pending after 300 ms for:\nid=\d+ .* sub=1 /,
    );
    await admin.call("CLIENT", "UNPAUSE");
  });
});
