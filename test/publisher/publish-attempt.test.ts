// The send lanes' attempt sender on a real redis-server: each outcome reaches the receiver once, with the
// item and attempt it was sent with, whether it is a reply, a reply error, a command ioredis refuses at once,
// or a reply that comes after ioredis's own commandTimeout; a tracer listening gets ioredis's promise path.
import diagnosticsChannel from "node:diagnostics_channel";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RedisServerHandle,
  startRedisServer,
  stopAllRedisServers,
} from "../../scripts/support/redis-server.js";
import { type ReplyReceiver, sendAttemptFor, sendPathFor } from "../../src/publisher/send/publish-attempt.js";
import { publishCommandFor } from "../../src/publisher/send/publish-transport.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { waitFor } from "../support/publisher-fixtures.js";

const cleanups = cleanupAfterEach();
let server: RedisServerHandle;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(() => stopAllRedisServers());

interface ClientOptions {
  readonly enableAutoPipelining?: boolean;
  readonly enableOfflineQueue?: boolean;
  readonly commandTimeout?: number;
  readonly username?: string;
  readonly password?: string;
}

async function client(options: ClientOptions = {}): Promise<Redis> {
  const redis = new Redis({ port: server.port, host: "127.0.0.1", maxRetriesPerRequest: 0, ...options });
  redis.on("error", () => {}); // the outcomes are what is checked
  cleanups.push(() => redis.disconnect());
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  return redis;
}

/** A receiver that records every outcome as "item#attempt:reply" or "item#attempt!error message". */
function recordingReceiver(): { outcomes: string[]; receiver: ReplyReceiver<string> } {
  const outcomes: string[] = [];
  const receiver: ReplyReceiver<string> = {
    onReply: (item, attempt, subscribers) => outcomes.push(`${item}#${attempt}:${subscribers}`),
    onError: (item, attempt, error) => outcomes.push(`${item}#${attempt}!${(error as Error).message}`),
  };
  return { outcomes, receiver };
}

const sendOn = (redis: Redis) =>
  sendAttemptFor(redis, "classic", sendPathFor(redis, "classic"), publishCommandFor(redis, "classic"));

describe("sendAttemptFor (single Redis, classic)", () => {
  it("reports each reply with the item and attempt it was sent with, in send order", async () => {
    const redis = await client();
    const subscriber = await client();
    await subscriber.subscribe("attempt.one");
    const send = sendOn(redis);
    const { outcomes, receiver } = recordingReceiver();
    send("attempt.one", "a", "a", 1, receiver);
    send("attempt.none", "b", "b", 7, receiver);
    send("attempt.one", "c", "c", 2, receiver);
    await waitFor(() => outcomes.length === 3, "three replies");
    expect(outcomes).toEqual(["a#1:1", "b#7:0", "c#2:1"]);
  });

  it("reports a reply error (NOPERM) to onError", async () => {
    const admin = await client();
    await admin.call("ACL", "SETUSER", "nopublish", "on", "nopass", "+@all", "-publish", "~*", "&*");
    const redis = await client({ username: "nopublish", password: "unused" });
    const { outcomes, receiver } = recordingReceiver();
    sendOn(redis)("attempt.one", "x", "x", 1, receiver);
    await waitFor(() => outcomes.length === 1, "the reply error");
    expect(outcomes[0]).toMatch(/^x#1!NOPERM/);
  });

  it("a command ioredis refuses at once is reported later, never from inside the send", async () => {
    const redis = await client({ enableOfflineQueue: false });
    redis.disconnect();
    const { outcomes, receiver } = recordingReceiver();
    sendOn(redis)("attempt.one", "x", "x", 3, receiver);
    expect(outcomes).toEqual([]);
    await waitFor(() => outcomes.length === 1, "the refusal");
    expect(outcomes).toEqual(["x#3!Stream isn't writeable and enableOfflineQueue options is false"]);
  });

  it("a reply that comes after the client's commandTimeout is not reported a second time", async () => {
    const admin = await client();
    const redis = await client({ commandTimeout: 100 });
    await admin.call("CLIENT", "PAUSE", "600", "WRITE"); // PUBLISH waits; its reply comes late
    const { outcomes, receiver } = recordingReceiver();
    sendOn(redis)("attempt.one", "x", "x", 1, receiver);
    await waitFor(() => outcomes.length === 1, "the timeout");
    expect(outcomes).toEqual(["x#1!Command timed out"]);
    await waitFor(() => redis.commandQueue.length === 0, "the late reply to be read");
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcomes).toEqual(["x#1!Command timed out"]);
  });

  it("while a tracer listens to ioredis's commands, the attempt goes through ioredis's promise", async () => {
    const redis = await client();
    const traced: string[] = [];
    const ignore = () => {};
    const tracer = {
      start: (context: unknown) => traced.push(String((context as { command?: string }).command)),
      end: ignore,
      asyncStart: ignore,
      asyncEnd: ignore,
      error: ignore,
    };
    const channel = diagnosticsChannel.tracingChannel("ioredis:command");
    channel.subscribe(tracer);
    cleanups.push(() => channel.unsubscribe(tracer));
    const { outcomes, receiver } = recordingReceiver();
    sendOn(redis)("attempt.one", "x", "x", 1, receiver);
    await waitFor(() => outcomes.length === 1, "the reply");
    expect(outcomes).toEqual(["x#1:0"]);
    expect(traced).toEqual(["publish"]);
  });
});
