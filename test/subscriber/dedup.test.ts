// Duplicates through a real redis-server: copies by event_id, byte-identical copies without one
// (the Python producers' retries), the age bound, and a retried burst wider than the old window.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";
import { createSubscriber, type Subscriber, type SubscriberOptions } from "../../src/subscriber/index.js";
import { waitFor } from "./wait-for.js";

let server: RedisServerHandle;
let publisher: Redis;
const open: Subscriber[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  publisher = new Redis(server.url, { enableAutoPipelining: true });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await publisher?.quit();
  await server?.stop();
});

/** A subscriber on signals.generated that records num_signals in arrival order. */
async function listening(options: SubscriberOptions): Promise<{ subscriber: Subscriber; seen: number[] }> {
  const subscriber = createSubscriber({
    connection: server.url,
    heartbeat: false,
    onError: () => {},
    ...options,
  });
  open.push(subscriber);
  const seen: number[] = [];
  await subscriber.handle("signals.generated", (event) => {
    seen.push(event.num_signals);
  });
  return { subscriber, seen };
}

// As the Python producer writes it: model_dump_json, no event_id.
const pythonSignal = (n: number) =>
  `{"event_type":"signals.generated","timestamp":"2025-01-18T09:00:00.123456+00:00","strategy_id":"alpha_baseline","symbols":["AAPL"],"num_signals":${n},"as_of_date":"2025-01-17"}`;
const signalWithId = (n: number, eventId: string) =>
  `${pythonSignal(n).slice(0, -1)},"event_id":"${eventId}"}`;

async function publishAll(bodies: readonly string[]): Promise<void> {
  await Promise.all(bodies.map((body) => publisher.publish("signals.generated", body)));
}

describe("byBody: messages without event_id", () => {
  it("byte-identical copies are delivered once; distinct bodies all are", async () => {
    const { subscriber, seen } = await listening({ dedup: { byBody: true } });
    // A retry resends the same bytes; 1 and 2 differ by one byte.
    const bodies = [pythonSignal(1), pythonSignal(1), pythonSignal(2), pythonSignal(1), pythonSignal(2)];
    for (const body of bodies) await publisher.publish("signals.generated", body);
    await waitFor(() => subscriber.stats().received === bodies.length, "every copy");
    expect(seen).toEqual([1, 2]);
    expect(subscriber.stats()).toMatchObject({ delivered: 2, duplicates: 3 });
  });

  it("without byBody (the default), byte-identical copies without event_id are all delivered", async () => {
    const { subscriber, seen } = await listening({});
    for (const body of [pythonSignal(1), pythonSignal(1)]) await publisher.publish("signals.generated", body);
    await waitFor(() => subscriber.stats().received === 2, "both copies");
    expect(seen).toEqual([1, 1]);
  });

  it("a message with an event_id is keyed by it, not by its bytes", async () => {
    const { subscriber, seen } = await listening({ dedup: { byBody: true } });
    const id = randomUUID();
    // Same id, different bytes: a copy. Different ids, otherwise equal bytes: two events.
    const bodies = [
      signalWithId(1, id),
      signalWithId(2, id),
      signalWithId(3, randomUUID()),
      signalWithId(3, randomUUID()),
    ];
    for (const body of bodies) await publisher.publish("signals.generated", body);
    await waitFor(() => subscriber.stats().received === bodies.length, "every message");
    expect(seen).toEqual([1, 3, 3]);
  });

  it("a channel with dedup turned off delivers every copy", async () => {
    const { subscriber, seen } = await listening({
      dedup: { byBody: true, channels: { "signals.generated": false } },
    });
    const id = randomUUID();
    for (const body of [pythonSignal(1), pythonSignal(1), signalWithId(2, id), signalWithId(2, id)])
      await publisher.publish("signals.generated", body);
    await waitFor(() => subscriber.stats().received === 4, "every copy");
    expect(seen).toEqual([1, 1, 2, 2]);
    expect(subscriber.stats().duplicates).toBe(0);
  });
});

describe("age bound", () => {
  it("an id older than maxAgeMs is forgotten: its next copy is delivered", async () => {
    const maxAgeMs = 200;
    const { subscriber, seen } = await listening({ dedup: { maxAgeMs, byBody: true } });
    const id = randomUUID();
    const firstSeenAt: number[] = [];
    await subscriber.handle("signals.generated", (_event, { receivedAt }) => {
      firstSeenAt.push(receivedAt.getTime());
    });
    await publisher.publish("signals.generated", signalWithId(1, id));
    await publisher.publish("signals.generated", pythonSignal(5));
    await waitFor(() => seen.length === 2, "the first copies");
    await publisher.publish("signals.generated", signalWithId(2, id)); // young: dropped
    await publisher.publish("signals.generated", pythonSignal(5)); // young: dropped
    await waitFor(() => subscriber.stats().duplicates === 2, "the young copies to be dropped");
    // Wait for the clock (not a fixed sleep) to pass the age bound of both first sightings: on a loaded
    // machine the second one can be read well after the first.
    const recordedAt = Math.max(...firstSeenAt);
    await waitFor(() => Date.now() > recordedAt + maxAgeMs + 5, "the age bound to pass");
    await publisher.publish("signals.generated", signalWithId(3, id));
    await publisher.publish("signals.generated", pythonSignal(5));
    await waitFor(() => seen.length === 4, "the old keys' copies");
    expect(seen).toEqual([1, 5, 3, 5]);
  });
});

describe("a retried burst", () => {
  it("copies 12,000 messages apart (beyond the old 10,000-id window) are all dropped", async () => {
    const burst = 12_000;
    const { subscriber, seen } = await listening({ dedup: { byBody: true } });
    // Half the burst carries event ids (this package's publisher), half none (the Python producers).
    const bodies = Array.from({ length: burst }, (_, n) =>
      n % 2 === 0 ? signalWithId(n, randomUUID()) : pythonSignal(n),
    );
    await publishAll(bodies);
    await publishAll(bodies); // the whole burst again: every copy is `burst` messages after its original
    await waitFor(() => subscriber.stats().received === 2 * burst, "both rounds of the burst", 60_000);
    expect(subscriber.stats()).toMatchObject({ delivered: burst, duplicates: burst });
    expect(seen).toEqual(Array.from({ length: burst }, (_, n) => n));
  });
});
