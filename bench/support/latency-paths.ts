// The publish → handler paths the latency section measures. A path is a sender (raw ioredis publish, or this
// package's publisher) and a receiver (a raw `message` listener, or this package's subscriber), each on its
// own connections: the mixed pairs tell whether a tail comes from the publishing or the receiving side.
import type { Redis } from "ioredis";
import type { PriceUpdateEvent } from "../../generated/index.js";
import { createPublisher } from "../../src/publisher/index.js";
import { createSubscriber } from "../../src/subscriber/index.js";
import { clientOptions, connectedClient, type RedisServerHandle } from "./redis.js";
import { now } from "./stats.js";

export type Side = "raw" | "package";

/** A publish → handler path under test: it sends one payload and records each measured one that arrives. */
export interface LatencyPath {
  send(payload: PriceUpdateEvent): void;
  readonly recorder: Recorder;
  readonly errors: unknown[];
  close(): Promise<void>;
}

interface Sender {
  send(payload: PriceUpdateEvent): void;
  close(): Promise<void>;
}

/** The send and arrival times (performance.now() ms) of the measured messages, in arrival order. */
export class Recorder {
  readonly #sentAt = new Map<string, number>();
  sent: number[] = [];
  arrived: number[] = [];

  /** Starts a round: what was recorded before is forgotten. */
  reset(): void {
    this.#sentAt.clear();
    this.sent = [];
    this.arrived = [];
  }

  expect(eventId: string, at: number): void {
    this.#sentAt.set(eventId, at);
  }

  arrival(eventId: string, at: number): void {
    const sent = this.#sentAt.get(eventId);
    if (sent === undefined) return; // a warm-up message
    this.#sentAt.delete(eventId);
    this.sent.push(sent);
    this.arrived.push(at);
  }

  /** Latency of each arrived message, µs. */
  latencies(): number[] {
    return this.arrived.map((at, i) => (at - (this.sent[i] as number)) * 1000);
  }
}

/**
 * `sender` publishing to `price.updated.{symbol}` and `receiver` listening to it. Each path gets its own symbol,
 * so no path hears another's messages.
 */
export async function openPath(
  server: RedisServerHandle,
  symbol: string,
  sides: { sender: Side; receiver: Side },
): Promise<LatencyPath> {
  const recorder = new Recorder();
  const errors: unknown[] = [];
  const closeReceiver =
    sides.receiver === "raw"
      ? await openRawReceiver(server, symbol, recorder)
      : await openPackageReceiver(server, symbol, recorder, errors);
  const sender =
    sides.sender === "raw"
      ? await openRawSender(server, symbol, errors)
      : await openPackageSender(server, errors);
  return {
    send: (payload) => sender.send(payload),
    recorder,
    errors,
    async close() {
      await sender.close();
      await closeReceiver();
    },
  };
}

/** Raw ioredis: publish(JSON.stringify). */
async function openRawSender(server: RedisServerHandle, symbol: string, errors: unknown[]): Promise<Sender> {
  const address = `price.updated.${symbol}`;
  const publisher = await connectedClient(clientOptions(server, false));
  return {
    send(payload) {
      publisher.publish(address, JSON.stringify(payload)).catch((error: unknown) => errors.push(error));
    },
    async close() {
      publisher.disconnect();
    },
  };
}

/** This package's createPublisher, on a client of the same options as the raw sender's. */
async function openPackageSender(server: RedisServerHandle, errors: unknown[]): Promise<Sender> {
  const client: Redis = await connectedClient(clientOptions(server, false));
  const publisher = createPublisher({ connection: client });
  return {
    send(payload) {
      publisher.publish("price.updated.{symbol}", payload).catch((error: unknown) => errors.push(error));
    },
    async close() {
      await publisher.close();
      client.disconnect();
    },
  };
}

/** A raw `message` listener with JSON.parse. */
async function openRawReceiver(
  server: RedisServerHandle,
  symbol: string,
  recorder: Recorder,
): Promise<() => Promise<void>> {
  const subscriber = await connectedClient(clientOptions(server, false));
  subscriber.on("message", (_channel: string, message: string) => {
    // Arrived once the handler holds the event, as the package's handler does: after the parse.
    const event = JSON.parse(message) as { event_id: string };
    recorder.arrival(event.event_id, now());
  });
  await subscriber.subscribe(`price.updated.${symbol}`);
  return async () => {
    subscriber.disconnect();
  };
}

/** This package's createSubscriber with its defaults. */
async function openPackageReceiver(
  server: RedisServerHandle,
  symbol: string,
  recorder: Recorder,
  errors: unknown[],
): Promise<() => Promise<void>> {
  const subscriber = createSubscriber({ connection: clientOptions(server, false) });
  subscriber.on("error", (error) => errors.push(error));
  await subscriber.handle(
    "price.updated.{symbol}",
    (event) => {
      recorder.arrival(event.event_id ?? "", now());
    },
    { symbols: [symbol] },
  );
  return () => subscriber.close();
}
