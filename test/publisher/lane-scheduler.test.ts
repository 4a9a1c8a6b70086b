// The LaneScheduler driven directly (no publisher around it): pipelined sends in order, a buffered address
// that newer messages queue behind, and drain() cutting a wait for the connection short.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort, startRedisServer, stopAllRedisServers } from "../../scripts/support/redis-server.js";
import type { ChannelSettings } from "../../src/publisher/channel-settings.js";
import { ConnectionGate } from "../../src/publisher/connection/connection-gate.js";
import { ConnectionNotReadyError, PublishError, PublishTimeoutError } from "../../src/publisher/errors.js";
import { type PreparedMessage, prepareMessage } from "../../src/publisher/message/prepare-message.js";
import {
  type BufferReason,
  createEventHub,
  type EventHub,
  type PublisherEvents,
} from "../../src/publisher/publisher-events.js";
import { createCounters, type PublisherCounters } from "../../src/publisher/publisher-stats.js";
import type { PublishResult } from "../../src/publisher/publisher-types.js";
import { LaneScheduler } from "../../src/publisher/send/lane-scheduler.js";
import { sendAttemptFor, sendPathFor } from "../../src/publisher/send/publish-attempt.js";
import { publishCommandFor } from "../../src/publisher/send/publish-transport.js";
import { DEFAULT_RETRY, type RetryOptions } from "../../src/publisher/send/retry.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { recordingSubscriber, signalEvent, waitFor } from "../support/publisher-fixtures.js";

const cleanups = cleanupAfterEach();
afterAll(stopAllRedisServers);

interface Buffered {
  readonly eventId: string;
  readonly reason: BufferReason;
  readonly error: unknown;
}

interface Harness {
  readonly scheduler: LaneScheduler;
  readonly counters: PublisherCounters;
  readonly buffered: Buffered[];
  readonly hub: EventHub;
}

/** What a test may change in the scheduler's retry and reply deadline. */
interface Timing {
  readonly retry?: Partial<RetryOptions>;
  readonly commandTimeoutMs?: number;
}

function harness(
  client: Redis,
  settings: ChannelSettings,
  hasBuffered: boolean,
  timing: Timing = {},
): Harness {
  const counters = createCounters();
  const hub = createEventHub({});
  const buffered: Buffered[] = [];
  const gate = new ConnectionGate(client, {}, () => {});
  cleanups.push(() => gate.dispose());
  const scheduler = new LaneScheduler({
    send: sendAttemptFor(
      client,
      "classic",
      sendPathFor(client, "classic"),
      publishCommandFor(client, "classic"),
    ),
    gate,
    retry: { ...DEFAULT_RETRY, maxElapsedMs: 60_000, ...timing.retry },
    commandTimeoutMs: timing.commandTimeoutMs ?? 2_000,
    hub,
    logger: {},
    counters,
    settingsOf: () => settings,
    hasBuffered: () => hasBuffered,
    toBuffer: (message, reason, _attempts, error): PublishResult => {
      buffered.push({ eventId: message.eventId, reason, error });
      const { address: channel, eventId } = message;
      return { status: "buffered", channel, eventId, reason, durable: false, bufferSize: buffered.length };
    },
  });
  return { scheduler, counters, buffered, hub };
}

function messages(count: number): PreparedMessage[] {
  return Array.from({ length: count }, (_, n) => prepareMessage("signals.generated", signalEvent(n)));
}

function enqueueAll(scheduler: LaneScheduler, all: readonly PreparedMessage[]): Promise<PublishResult>[] {
  return all.map((message) => new Promise((resolve, reject) => scheduler.enqueue(message, resolve, reject)));
}

/** A client that never connects (lazyConnect, nothing queued): the gate stays closed. */
async function neverReadyClient(): Promise<Redis> {
  const client = new Redis(await findFreePort(), "127.0.0.1", {
    lazyConnect: true,
    enableOfflineQueue: false,
  });
  cleanups.push(() => client.disconnect());
  return client;
}

describe("LaneScheduler", () => {
  it("pipelines one lane: all PUBLISHes are written before the first reply and arrive in enqueue order", async () => {
    const server = await startRedisServer();
    cleanups.push(() => server.stop());
    const subscriber = await recordingSubscriber(server.url, ["signals.generated"]);
    cleanups.push(() => subscriber.close());
    const client = new Redis(server.url);
    cleanups.push(() => client.disconnect());
    await waitFor(() => client.status === "ready", "the publishing client to be ready");
    const { scheduler, counters } = harness(client, { buffer: false, minSubscribers: 0 }, false);

    const results = enqueueAll(scheduler, messages(20));
    expect(scheduler.inFlight).toBe(20);
    const settled = await Promise.all(results);

    expect(settled.map((r) => r.status)).toEqual(Array(20).fill("published"));
    expect(scheduler.inFlight).toBe(0);
    expect(counters.published).toBe(20);
    await waitFor(() => subscriber.received.length === 20, "the subscriber to receive all 20");
    expect(subscriber.received.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });

  it("an address with buffered messages: newer ones of a buffering channel go to the buffer behind them, in order, unsent", async () => {
    const client = await neverReadyClient();
    const { scheduler, counters, buffered } = harness(client, { buffer: true, minSubscribers: 0 }, true);
    const all = messages(3);

    const settled = await Promise.all(enqueueAll(scheduler, all));

    expect(settled.map((r) => r.status)).toEqual(["buffered", "buffered", "buffered"]);
    expect(buffered).toEqual(
      all.map((m) => ({ eventId: m.eventId, reason: "behind-buffered", error: undefined })),
    );
    expect(counters.published).toBe(0);
    expect(scheduler.inFlight).toBe(0);
  });

  it("retries run out for the first of a pipeline: it goes to the buffer, the ones behind it go again at once, in order", async () => {
    const server = await startRedisServer();
    cleanups.push(() => server.stop());
    const admin = new Redis(server.url);
    cleanups.push(() => admin.disconnect());
    const client = new Redis(server.url);
    cleanups.push(() => client.disconnect());
    await waitFor(() => client.status === "ready", "the publishing client to be ready");
    const { scheduler, counters, buffered, hub } = harness(
      client,
      { buffer: true, minSubscribers: 0 },
      false,
      {
        retry: { maxAttempts: 1 },
        commandTimeoutMs: 200,
      },
    );
    const retried: PublisherEvents["retried"][] = [];
    hub.on("retried", (event) => retried.push(event));
    // No PUBLISH is answered while the server is paused: each attempt times out.
    await admin.call("CLIENT", "PAUSE", "10000", "WRITE");
    cleanups.push(() => admin.call("CLIENT", "UNPAUSE"));
    const all = messages(3);

    const settled = await Promise.all(enqueueAll(scheduler, all));

    expect(settled.map((r) => r.status)).toEqual(["buffered", "buffered", "buffered"]);
    expect(buffered.map((b) => b.eventId)).toEqual(all.map((m) => m.eventId));
    expect(
      buffered.every((b) => b.reason === "publish-failed" && b.error instanceof PublishTimeoutError),
    ).toBe(true);
    // Each given up in turn; the ones behind it had not failed themselves, so they went again without delay.
    const [, second, third] = all as [PreparedMessage, PreparedMessage, PreparedMessage];
    expect(retried.map(({ eventId, attempt, delayMs }) => ({ eventId, attempt, delayMs }))).toEqual([
      { eventId: second.eventId, attempt: 1, delayMs: 0 },
      { eventId: third.eventId, attempt: 1, delayMs: 0 },
      { eventId: third.eventId, attempt: 2, delayMs: 0 },
    ]);
    expect(counters.retried).toBe(3);
    expect(scheduler.inFlight).toBe(0);
  });

  const drainCases = [
    { name: "a buffering channel gives the held message to the buffer", buffer: true },
    { name: "a channel without buffer rejects the held message with PublishError", buffer: false },
  ];
  it.each(drainCases)("drain() cuts a wait for the connection short: $name", async ({ buffer }) => {
    const client = await neverReadyClient();
    const { scheduler, buffered } = harness(client, { buffer, minSubscribers: 0 }, false);
    const [message] = messages(1) as [PreparedMessage];
    const result = enqueueAll(scheduler, [message])[0] as Promise<PublishResult>;
    const outcome = result.then(
      (value) => ({ value, error: undefined }),
      (error: unknown) => ({ value: undefined, error }),
    );

    await scheduler.drain();
    const { value, error } = await outcome;

    if (buffer) {
      expect(value?.status).toBe("buffered");
      expect(buffered).toHaveLength(1);
      expect(buffered[0]?.reason).toBe("publish-failed");
      expect(buffered[0]?.error).toBeInstanceOf(ConnectionNotReadyError);
    } else {
      expect(error).toBeInstanceOf(PublishError);
      expect((error as PublishError).attempts).toBe(0);
      expect((error as PublishError).transient).toBe(true);
      expect((error as PublishError).cause).toBeInstanceOf(ConnectionNotReadyError);
      expect(buffered).toHaveLength(0);
    }
  });
});
