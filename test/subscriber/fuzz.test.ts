// Throws 10,000 generated messages (valid, mutated, hostile, random bytes, odd channel names) at a
// live subscriber: it must not crash, must deliver only valid events, and its counters must be exact.
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ChannelName, channelNames, channels } from "../../generated/index.js";
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";
import { checkRawMessage } from "../../src/contract/validate.js";
import { createSubscriber, type Subscriber } from "../../src/subscriber/index.js";
import { waitFor } from "./wait-for.js";

const MAX_BYTES = 2048;
const RUNS = 100;
const BATCH = 100;

let server: RedisServerHandle;
let publisher: Redis;
let subscriber: Subscriber;
let handled = 0;
const misdelivered: string[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  publisher = new Redis(server.url);
  subscriber = createSubscriber({
    connection: server.url,
    maxMessageBytes: MAX_BYTES,
    dedupWindow: false,
    heartbeat: false,
    onInvalid: () => {},
  });
  for (const channel of channelNames) {
    await subscriber.handle(channel, (event, { address }) => {
      handled += 1;
      // Checked again here, independently of the subscriber's path: nothing invalid may arrive.
      const plain = Object.getPrototypeOf(event) === Object.prototype && !Object.hasOwn(event, "__proto__");
      if (!channels[channel].validateTolerant(event) || !plain)
        misdelivered.push(`${address} ${JSON.stringify(event)}`);
    });
  }
});
afterAll(async () => {
  await subscriber?.close();
  await publisher?.quit();
  await server?.stop();
});

interface Message {
  channel: string | Buffer;
  payload: string | Buffer;
}

const examples = channelNames.flatMap((channel) =>
  channels[channel].examples.map((example) => ({
    channel,
    payload: example.payload as Record<string, unknown>,
  })),
);
const addressOf = (channel: ChannelName, payload: Record<string, unknown>) =>
  channel === "price.updated.{symbol}" ? `price.updated.${String(payload.symbol)}` : channel;

const symbol = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9./_-]{0,31}$/);
const oddChannel: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constantFrom(...channelNames.filter((c) => !c.includes("{"))),
  symbol.map((s) => `price.updated.${s}`),
  fc.string({ unit: "grapheme", maxLength: 40 }).map((s) => `price.updated.${s}`),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.concat([Buffer.from("price.updated."), bytes])),
);

/** A contract example changed in one way that may or may not keep it valid. */
const mutatedExample: fc.Arbitrary<Message> = fc
  .record({
    example: fc.constantFrom(...examples),
    mutation: fc.oneof(
      fc.constant({ kind: "none" as const }),
      fc.record({
        kind: fc.constant("set" as const),
        key: fc.constantFrom(
          "event_type",
          "timestamp",
          "symbol",
          "price",
          "num_signals",
          "num_orders",
          "qty_change",
          "event_id",
          "extra",
        ),
        value: fc.jsonValue(),
      }),
      fc.record({
        kind: fc.constant("delete" as const),
        key: fc.constantFrom("event_type", "timestamp", "symbol", "price", "strategy_id"),
      }),
      fc.record({ kind: fc.constant("event-id" as const), value: fc.uuid() }),
      fc.record({
        kind: fc.constant("big-integer" as const),
        value: fc.bigInt({ min: 2n ** 53n, max: 2n ** 70n }),
      }),
      fc.record({
        kind: fc.constant("poison" as const),
        key: fc.constantFrom(
          '"__proto__":{"polluted":1}',
          '"constructor":{"prototype":{"polluted":1}}',
          '"__proto__":null',
        ),
      }),
      fc.record({ kind: fc.constant("pad" as const), size: fc.integer({ min: 1, max: 3 * MAX_BYTES }) }),
      fc.record({ kind: fc.constant("other-channel" as const), channel: oddChannel }),
    ),
  })
  .map(({ example, mutation }): Message => {
    const payload = { ...example.payload };
    let channel: string | Buffer = addressOf(example.channel, payload);
    let text: string;
    switch (mutation.kind) {
      case "set":
        payload[mutation.key] = mutation.value;
        if (mutation.key === "symbol" && typeof mutation.value === "string")
          channel = `price.updated.${mutation.value}`;
        text = JSON.stringify(payload);
        break;
      case "delete":
        delete payload[mutation.key];
        text = JSON.stringify(payload);
        break;
      case "event-id":
        text = JSON.stringify({ ...payload, event_id: mutation.value });
        break;
      case "big-integer": {
        const numeric = Object.keys(payload).find((k) => typeof payload[k] === "number");
        text = JSON.stringify(payload);
        if (numeric) text = text.replace(new RegExp(`"${numeric}":-?\\d+`), `"${numeric}":${mutation.value}`);
        break;
      }
      case "poison":
        text = JSON.stringify(payload).replace("{", `{${mutation.key},`);
        break;
      case "pad":
        text = JSON.stringify(payload).replace("{", `{${" ".repeat(mutation.size)}`);
        break;
      case "other-channel":
        channel = mutation.channel;
        text = JSON.stringify(payload);
        break;
      default:
        text = JSON.stringify(payload);
    }
    return { channel, payload: text };
  });

const message: fc.Arbitrary<Message> = fc.oneof(
  { arbitrary: mutatedExample, weight: 6 },
  { arbitrary: fc.record({ channel: oddChannel, payload: fc.json() }), weight: 2 },
  {
    arbitrary: fc.record({
      channel: oddChannel,
      payload: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ channel: oddChannel, payload: fc.string({ unit: "binary", maxLength: 300 }) }),
    weight: 1,
  },
);

/** The oracle: what the subscriber must conclude about one message, and through how many subscriptions it arrives. */
function expected({ channel, payload }: Message): "valid" | "invalid" {
  const name = Buffer.isBuffer(channel) ? channel : Buffer.from(channel);
  const fixed = channelNames.find((c) => Buffer.from(c).equals(name));
  if (fixed)
    return checkRawMessage(fixed, payload, "tolerant", { maxBytes: MAX_BYTES }).ok ? "valid" : "invalid";
  let address: string;
  try {
    address = new TextDecoder("utf-8", { fatal: true }).decode(name);
  } catch {
    return "invalid";
  }
  const parameters = channels["price.updated.{symbol}"].parseAddress(address);
  if (!parameters) return "invalid";
  return checkRawMessage("price.updated.{symbol}", payload, "tolerant", { parameters, maxBytes: MAX_BYTES })
    .ok
    ? "valid"
    : "invalid";
}

it(`survives ${RUNS * BATCH} generated messages with exact counters`, async () => {
  let total = 0;
  let totalValid = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(message, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      const before = subscriber.stats();
      const handledBefore = handled;
      const pipeline = publisher.pipeline();
      for (const m of batch) pipeline.publish(m.channel, m.payload);
      const replies = (await pipeline.exec()) ?? [];
      // Every generated channel is one of the subscriber's: exactly one subscription per message.
      expect(replies.map(([, count]) => count)).toEqual(batch.map(() => 1));
      await waitFor(() => subscriber.stats().received === before.received + batch.length, "the batch");
      const valid = batch.filter((m) => expected(m) === "valid").length;
      const after = subscriber.stats();
      expect(after.delivered - before.delivered).toBe(valid);
      expect(after.invalid - before.invalid).toBe(batch.length - valid);
      expect(handled - handledBefore).toBe(valid);
      expect(misdelivered).toEqual([]);
      total += batch.length;
      totalValid += valid;
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  expect(total).toBe(RUNS * BATCH);
  // Both sides must be well represented, or the property says little.
  expect(totalValid).toBeGreaterThan(total / 10);
  expect(total - totalValid).toBeGreaterThan(total / 10);
  expect(subscriber.stats()).toMatchObject({
    received: total,
    delivered: totalValid,
    invalid: total - totalValid,
    handlerErrors: 0,
  });
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
