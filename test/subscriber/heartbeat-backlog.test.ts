// A busy subscriber is not a dead connection: while it works through a backlog with handlers that block
// the event loop for longer than the heartbeat timeout, the PING reply waits behind the messages in the
// socket. The heartbeat must not declare the connection dead (and drop the rest of the backlog) for that.
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { startRedisServer } from "../../scripts/support/redis-server.js";
import { createSubscriber, type Gap } from "../../src/subscriber/index.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { waitFor } from "./wait-for.js";

const cleanups = cleanupAfterEach();

const BURST = 20_000;
const BLOCK_EVERY = 10_000;
// Generous against a loaded machine: a redis-server without CPU for this long would be real silence.
const TIMEOUT_MS = 1_000;
const BLOCK_MS = 2 * TIMEOUT_MS;

// One EVAL publishes the whole burst at once, so it sits in the subscriber's socket ahead of any later PING reply.
const PUBLISH_BURST = `
for i = 0, tonumber(ARGV[1]) - 1 do
  redis.call('PUBLISH', KEYS[1], '{"event_type":"signals.generated","timestamp":"2025-01-18T09:00:00Z",' ..
    '"strategy_id":"alpha_baseline","symbols":["AAPL"],"num_signals":' .. i .. ',"as_of_date":"2025-01-17"}')
end
return 1`;

/** Keeps the event loop busy, as a slow synchronous handler does. */
function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}

describe("heartbeat under a backlog", () => {
  it("a handler blocking the loop longer than the heartbeat timeout causes no timeout, reconnect or gap", async () => {
    // No output-buffer limit: the test is about the heartbeat, not about Redis cutting off a slow reader.
    const redis = await startRedisServer({ args: ["--client-output-buffer-limit", "pubsub 0 0 0"] });
    cleanups.push(() => redis.stop());
    const publisher = new Redis(redis.url);
    cleanups.push(() => publisher.quit().then(() => undefined));
    const gaps: Gap[] = [];
    const errors: Error[] = [];
    const subscriber = createSubscriber({
      connection: { host: "127.0.0.1", port: redis.port, retryStrategy: () => 100 },
      heartbeat: { intervalMs: TIMEOUT_MS / 4, timeoutMs: TIMEOUT_MS },
      onGap: (gap) => gaps.push(gap),
      onError: (error) => errors.push(error),
    });
    cleanups.push(() => subscriber.close());
    const seen: number[] = [];
    await subscriber.handle("signals.generated", (event) => {
      seen.push(event.num_signals);
      if (event.num_signals % BLOCK_EVERY === 0) blockEventLoop(BLOCK_MS);
    });

    await publisher.eval(PUBLISH_BURST, 1, "signals.generated", BURST);
    await waitFor(
      () => seen.length === BURST || errors.length > 0 || gaps.length > 0,
      "the whole burst, or a heartbeat failure",
    );

    expect(errors).toEqual([]);
    expect(gaps).toEqual([]);
    expect(subscriber.stats().reconnects).toBe(0);
    expect(seen).toEqual(Array.from({ length: BURST }, (_, i) => i));
  });
});
