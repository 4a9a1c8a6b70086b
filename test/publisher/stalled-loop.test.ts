// A publishing process whose event loop is blocked (a GC pause, CPU starvation, its own synchronous work)
// is not a Redis timeout: Redis answered, the replies sit unread in the socket. Each message must be sent
// exactly once and reported published. Counted by Redis itself (INFO commandstats) on a server of our own.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { type RedisServerHandle, stopAllRedisServers } from "../../scripts/support/redis-server.js";
import type { Publisher, PublisherOptions } from "../../src/publisher/index.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { signalEvent } from "../support/publisher-fixtures.js";
import { createPublisher } from "../support/publisher-under-test.js";
import { redisServerForTest } from "../support/redis-for-test.js";

const cleanups = cleanupAfterEach();
afterAll(stopAllRedisServers);

const BLOCK_MS = 2_500;
const COMMAND_TIMEOUT_MS = 300;

const server = (): Promise<RedisServerHandle> => redisServerForTest(cleanups);

function publisher(options: PublisherOptions): Publisher {
  const created = createPublisher(options);
  cleanups.push(() => created.close());
  return created;
}

/** PUBLISH commands Redis has run since the last CONFIG RESETSTAT. */
async function publishCalls(admin: Redis): Promise<number> {
  const info = await admin.info("commandstats");
  return Number(/cmdstat_publish:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

/** The process's own synchronous work: nothing else runs on this thread meanwhile. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

describe("a blocked event loop is not a Redis timeout", () => {
  it.each([
    ["one publish, then the loop blocked", { count: 1, enableAutoPipelining: false }],
    ["a burst of 3,000 in flight, then the loop blocked", { count: 3_000, enableAutoPipelining: false }],
    [
      "a burst of 3,000 with auto-pipelining (written in a later loop turn), then the loop blocked",
      { count: 3_000, enableAutoPipelining: true },
    ],
  ])(
    "%s: each message runs once and is reported published",
    async (_name, { count, enableAutoPipelining }) => {
      const redis = await server();
      const admin = new Redis(redis.url);
      cleanups.push(() => admin.disconnect());
      const pub = publisher({
        connection: { host: "127.0.0.1", port: redis.port, enableAutoPipelining },
        commandTimeoutMs: COMMAND_TIMEOUT_MS,
        retry: { maxAttempts: 4, initialDelayMs: 10, maxDelayMs: 50, maxElapsedMs: 10_000 },
      });
      await pub.publish("signals.generated", signalEvent(0)); // connected
      await admin.config("RESETSTAT");

      const pending = Array.from({ length: count }, (_, n) =>
        pub.publish("signals.generated", signalEvent(n)),
      );
      blockEventLoop(BLOCK_MS);
      const results = await Promise.all(pending);

      expect(results.filter((r) => r.status !== "published")).toEqual([]);
      expect(results.map((r) => (r.status === "published" ? r.attempts : 0))).toEqual(Array(count).fill(1));
      expect(pub.stats()).toMatchObject({ published: count + 1, retried: 0, buffered: 0, dropped: 0 });
      expect(await publishCalls(admin)).toBe(count);
    },
  );
});
