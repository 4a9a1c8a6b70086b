// The receive path on its own, fed bytes directly (no Redis): what is delivered, with what context,
// what is invalid and why, what is a duplicate, and how failing handlers are counted.
import { describe, expect, it } from "vitest";
import { type Sink, Subscription } from "../../src/subscriber/connection/subscription-registry.js";
import { dedupForChannel } from "../../src/subscriber/dedup/dedup-policy.js";
import { HandlerError } from "../../src/subscriber/errors.js";
import { MessagePipeline } from "../../src/subscriber/receive/message-pipeline.js";
import type { InvalidMessage } from "../../src/subscriber/subscriber-events.js";
import { type DeliveryContext, zeroSubscriberStats } from "../../src/subscriber/subscriber-types.js";
import { type Topic, topicsFor } from "../../src/subscriber/topics.js";

function setup(options: { byBody?: boolean; dedup?: boolean } = {}) {
  const counters = zeroSubscriberStats();
  const invalid: InvalidMessage[] = [];
  const errors: Error[] = [];
  const alive: number[] = [];
  const pipeline = new MessagePipeline({
    maxMessageBytes: 512,
    excerptBytes: 20,
    counters,
    alive: (nowMs) => alive.push(nowMs),
    onInvalid: (message) => invalid.push(message),
    onError: (error) => errors.push(error),
  });
  const policy = (channel: "price.updated.{symbol}") =>
    options.dedup === false
      ? undefined
      : dedupForChannel(channel, { byBody: options.byBody ?? false }, undefined);
  const delivered: { event: unknown; context: DeliveryContext }[] = [];
  const record: Sink = (event, context) => {
    delivered.push({ event, context });
  };
  const subscribe = (
    topic: Topic | undefined = topicsFor("price.updated.{symbol}", { symbols: ["AAPL"] })[0],
  ) => {
    const subscription = new Subscription(
      topic as NonNullable<typeof topic>,
      policy("price.updated.{symbol}"),
    );
    subscription.sinks = [record];
    return subscription;
  };
  return { pipeline, counters, invalid, errors, alive, delivered, subscribe, record };
}

const price = (fields: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      event_type: "price.updated",
      symbol: "AAPL",
      price: "150.25",
      timestamp: "2025-01-18T14:30:05.123456+00:00",
      ...fields,
    }),
  );
const AAPL = Buffer.from("price.updated.AAPL");

describe("message pipeline", () => {
  it("delivers a valid message with its context; receivedAt is the reading it was timed with", () => {
    const { pipeline, subscribe, delivered, counters, alive } = setup();
    const body = price();
    pipeline.receive(subscribe(), AAPL, body);
    expect(delivered).toHaveLength(1);
    const { event, context } = delivered[0] as { event: unknown; context: DeliveryContext };
    expect(event).toEqual(JSON.parse(body.toString()));
    expect(context).toMatchObject({
      channel: "price.updated.{symbol}",
      address: "price.updated.AAPL",
      parameters: { symbol: "AAPL" },
      topic: "price.updated.AAPL",
      raw: body,
    });
    expect(context.receivedAt).toEqual(new Date(alive[0] as number));
    expect(counters).toMatchObject({ received: 1, delivered: 1, invalid: 0 });
  });

  it("through a pattern, parses the address into parameters (the same each time)", () => {
    const { pipeline, subscribe, delivered } = setup();
    const subscription = subscribe(topicsFor("price.updated.{symbol}")[0]);
    const brk = Buffer.from("price.updated.BRK.B");
    pipeline.receive(subscription, brk, price({ symbol: "BRK.B" }));
    pipeline.receive(subscription, brk, price({ symbol: "BRK.B", price: "1" }));
    expect(delivered.map((d) => [d.context.address, d.context.parameters, d.context.topic])).toEqual([
      ["price.updated.BRK.B", { symbol: "BRK.B" }, "price.updated.*"],
      ["price.updated.BRK.B", { symbol: "BRK.B" }, "price.updated.*"],
    ]);
  });

  const invalidCases: [string, Buffer, Buffer, RegExp][] = [
    ["more bytes than the limit", AAPL, price({ exchange: "x".repeat(600) }), /limit of 512/],
    ["not UTF-8", AAPL, Buffer.concat([price().subarray(0, 10), Buffer.from([0xff])]), /UTF-8/],
    ["not JSON", AAPL, Buffer.from('{"symbol": '), /not valid JSON/],
    ["a forbidden __proto__ key", AAPL, Buffer.from('{"__proto__":{"x":1}}'), /__proto__/],
    ["a contract violation", AAPL, price({ price: "-1" }), /\/price/],
    [
      "a symbol that disagrees with the address",
      AAPL,
      price({ symbol: "MSFT" }),
      /must equal the channel's symbol "AAPL"/,
    ],
  ];
  it.each(invalidCases)(
    "%s is invalid, with the reason, and reaches no sink",
    (_name, channel, body, reason) => {
      const { pipeline, subscribe, delivered, invalid, counters } = setup();
      pipeline.receive(subscribe(), channel, body);
      expect(delivered).toEqual([]);
      expect(invalid).toHaveLength(1);
      expect(invalid[0]?.reasons.map((r) => `${r.pointer}: ${r.message}`).join("\n")).toMatch(reason);
      expect(invalid[0]).toMatchObject({ address: "price.updated.AAPL", size: body.byteLength });
      expect(invalid[0]?.excerpt.length).toBeLessThanOrEqual(21);
      expect(counters).toMatchObject({ received: 1, delivered: 0, invalid: 1 });
    },
  );

  it.each([
    ["a name that is not the channel's address", Buffer.from("price.updated.A*B")],
    ["a name that is not UTF-8", Buffer.concat([Buffer.from("price.updated.A"), Buffer.from([0xff])])],
  ])("a pattern match on %s is invalid", (_name, channel) => {
    const { pipeline, subscribe, delivered, invalid } = setup();
    pipeline.receive(subscribe(topicsFor("price.updated.{symbol}")[0]), channel, price());
    expect(delivered).toEqual([]);
    expect(invalid[0]?.reasons[0]?.message).toMatch(/not an address of price\.updated\.\{symbol\}/);
  });

  it.each([
    ["by event_id", {}, [price({ event_id: "00000000-0000-4000-8000-000000000001" })], 1],
    ["not by body without byBody", {}, [price()], 2],
    ["by body with byBody", { byBody: true }, [price()], 1],
    [
      "never with dedup off",
      { dedup: false },
      [price({ event_id: "00000000-0000-4000-8000-000000000001" })],
      2,
    ],
  ])("drops a repeated message %s", (_name, options, [body], deliveredCount) => {
    const { pipeline, subscribe, delivered, counters } = setup(options);
    const subscription = subscribe();
    pipeline.receive(subscription, AAPL, body as Buffer);
    pipeline.receive(subscription, AAPL, Buffer.from(body as Buffer));
    expect(delivered).toHaveLength(deliveredCount);
    expect(counters.duplicates).toBe(2 - deliveredCount);
  });

  it("a sink that throws or rejects is counted and reported; the other sinks still get the event", async () => {
    const { pipeline, subscribe, delivered, errors, counters, record } = setup();
    const subscription = subscribe();
    subscription.sinks = [
      () => {
        throw new Error("sync failure");
      },
      async () => {
        throw new Error("async failure");
      },
      record,
    ];
    pipeline.receive(subscription, AAPL, price());
    await new Promise((resolve) => setImmediate(resolve)); // the rejection settles in a microtask
    expect(delivered).toHaveLength(1);
    expect(counters.handlerErrors).toBe(2);
    expect(errors.map((e) => [e instanceof HandlerError, (e.cause as Error).message])).toEqual([
      [true, "sync failure"],
      [true, "async failure"],
    ]);
  });
});
