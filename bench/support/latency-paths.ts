// The publish → handler paths the latency section measures. A path is a sender (raw ioredis publish, or this
// package's publisher) and a receiver (a raw `message` listener, or this package's subscriber), each on its
// own connections: the mixed pairs tell whether a tail comes from the publishing or the receiving side.
import { randomUUID } from "node:crypto";
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

/**
 * The send and arrival times (performance.now() ms) of a round's measured messages, by number. A message's
 * number travels in its event_id (the UUID's last group, after a prefix of the round's own), and the times
 * go into arrays made before the round: the bookkeeping keeps nothing alive per message. A map from event
 * id to send time would, and copying its entries into the old generation would lengthen every scavenge
 * of the round by a millisecond or more, on both sides: the measurement's own cost in the tail it measures.
 */
export class Recorder {
  #prefix = "";
  #sentAt = new Float64Array(0);
  #arrivedAt = new Float64Array(0);
  #arrivals = 0;

  /** Starts a round of `measured` messages: what was recorded before is forgotten. */
  reset(measured: number): void {
    // Another prefix each round: a message of an earlier round, or a warm-up message, is not counted.
    this.#prefix = randomUUID().slice(0, UUID_PREFIX_LENGTH);
    this.#sentAt = new Float64Array(measured);
    this.#arrivedAt = new Float64Array(measured);
    this.#arrivals = 0;
  }

  /** The event id of measured message `index`: a UUID whose last group is the index, in hex. */
  eventId(index: number): string {
    return this.#prefix + index.toString(16).padStart(UUID_LAST_GROUP_LENGTH, "0");
  }

  sending(index: number, at: number): void {
    this.#sentAt[index] = at;
  }

  arrival(eventId: string, at: number): void {
    if (!eventId.startsWith(this.#prefix)) return; // a warm-up message, or one of an earlier round
    const index = Number.parseInt(eventId.slice(UUID_PREFIX_LENGTH), 16);
    if (this.#arrivedAt[index] !== 0) return; // a duplicate: its first arrival counts
    this.#arrivedAt[index] = at;
    this.#arrivals += 1;
  }

  get arrivals(): number {
    return this.#arrivals;
  }

  /** The send and arrival times of the messages that arrived, in the order they were sent. */
  times(): { sent: number[]; arrived: number[] } {
    const sent: number[] = [];
    const arrived: number[] = [];
    this.#arrivedAt.forEach((at, index) => {
      if (at === 0) return;
      sent.push(this.#sentAt[index] as number);
      arrived.push(at);
    });
    return { sent, arrived };
  }
}

// "0f8fad5b-d9cb-469f-a165-" and "70867728950e".
const UUID_PREFIX_LENGTH = 24;
const UUID_LAST_GROUP_LENGTH = 12;

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
