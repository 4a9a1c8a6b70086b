// How the fast path's PUBLISHes share socket writes, on a real redis-server: a tick's first ones leave at
// once, the rest in one write when the tick's code is done, and a connection that stays flooded writes only
// each tick's first at once. Every reply still arrives, in send order.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RedisServerHandle,
  startRedisServer,
  stopAllRedisServers,
} from "../../scripts/support/redis-server.js";
import { type ReplyReceiver, sendAttemptFor, sendPathFor } from "../../src/publisher/send/publish-attempt.js";
import { publishCommandFor } from "../../src/publisher/send/publish-transport.js";
import {
  WRITTEN_AT_ONCE_PER_TICK,
  WRITTEN_AT_ONCE_WHEN_FLOODED,
} from "../../src/publisher/send/tick-writes.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { waitFor } from "../support/publisher-fixtures.js";

const cleanups = cleanupAfterEach();
let server: RedisServerHandle;

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(() => stopAllRedisServers());

async function client(enableAutoPipelining: boolean): Promise<Redis> {
  const redis = new Redis({
    port: server.port,
    host: "127.0.0.1",
    maxRetriesPerRequest: 0,
    enableAutoPipelining,
  });
  cleanups.push(() => redis.disconnect());
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  return redis;
}

/** The writes the client's socket makes, each as the number of chunks (commands) it carried. */
function recordWrites(redis: Redis): number[] {
  const writes: number[] = [];
  const socket = redis.stream as unknown as {
    _write: (...args: unknown[]) => void;
    _writev: (chunks: unknown[], ...rest: unknown[]) => void;
  };
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (...args) => {
    writes.push(1);
    write(...args);
  };
  socket._writev = (chunks, ...rest) => {
    writes.push(chunks.length);
    writev(chunks, ...rest);
  };
  return writes;
}

/** Sends ticks of attempts on one connection, one tick per call, and keeps the replies in order. */
function ticksOn(redis: Redis) {
  const send = sendAttemptFor(
    redis,
    "classic",
    sendPathFor(redis, "classic"),
    publishCommandFor(redis, "classic"),
  );
  const replies: string[] = [];
  const receiver: ReplyReceiver<string> = {
    onReply: (item) => replies.push(item),
    onError: (item, _attempt, error) => replies.push(`${item}!${(error as Error).message}`),
  };
  const sent: string[] = [];
  /** Sends `count` attempts in this tick, then waits until every attempt so far has its reply. */
  const tick = async (count: number) => {
    for (let n = 0; n < count; n++) {
      const item = `m${sent.length}`;
      sent.push(item);
      send("tick.writes", item, item, 1, receiver);
    }
    await waitFor(() => replies.length === sent.length, "every reply");
  };
  return { tick, sent, replies };
}

const ones = (count: number) => Array<number>(count).fill(1);
const limit = WRITTEN_AT_ONCE_PER_TICK;

describe.each([true, false])("tickWrites, auto-pipelining %s", (autoPipelining) => {
  it("a tick's first attempts leave at once, one write each, and the rest in one write when its code is done", async () => {
    const redis = await client(autoPipelining);
    const writes = recordWrites(redis);
    const { tick, sent, replies } = ticksOn(redis);
    const sending = tick(limit + 3);
    expect(writes).toEqual(ones(limit)); // synchronously: the rest wait for the tick's code to be done
    await sending;
    expect(writes).toEqual([...ones(limit), 3]);
    expect(replies).toEqual(sent);
  });

  it("a tick at the limit writes every attempt at once and does not flood the connection", async () => {
    const redis = await client(autoPipelining);
    const writes = recordWrites(redis);
    const { tick, sent, replies } = ticksOn(redis);
    await tick(limit);
    await tick(5);
    expect(writes).toEqual(ones(limit + 5));
    expect(replies).toEqual(sent);
  });

  it("after a tick past the limit, the next writes only its first at once, until a tick stays within it", async () => {
    const redis = await client(autoPipelining);
    const writes = recordWrites(redis);
    const { tick, sent, replies } = ticksOn(redis);
    await tick(limit + 1); // floods the connection
    await tick(limit + 1); // flooded: its first at once, the rest together; still flooded after it
    await tick(4); // flooded: its first at once, the rest together; within the limit, so the flood is over
    await tick(4); // not flooded: each at once
    const flooded = WRITTEN_AT_ONCE_WHEN_FLOODED;
    expect(writes).toEqual([
      ...ones(limit),
      1,
      ...ones(flooded),
      limit + 1 - flooded,
      ...ones(flooded),
      4 - flooded,
      ...ones(4),
    ]);
    expect(replies).toEqual(sent);
  });
});
