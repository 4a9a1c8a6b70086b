// The subscriber against a real redis-server: typed delivery for every channel, the Python wire
// fixtures, hostile input, failing handlers, duplicates, the stream's overflow policies, close().
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ChannelName, channelNames, channels } from "../../generated/index.js";
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";
import { UnknownChannelError } from "../../src/errors.js";
import {
  createSubscriber,
  type InvalidMessage,
  StreamOverflowError,
  type Subscriber,
  SubscriberClosedError,
  type SubscriberOptions,
  topicsFor,
} from "../../src/subscriber/index.js";
import { pythonWireCases } from "../support/python-wire.js";
import { waitFor } from "./wait-for.js";

let server: RedisServerHandle;
let publisher: Redis;
const open: Subscriber[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  publisher = new Redis(server.url);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await publisher?.quit();
  await server?.stop();
});

function subscriber(options: SubscriberOptions = {}): {
  subscriber: Subscriber;
  invalid: InvalidMessage[];
  errors: Error[];
} {
  const invalid: InvalidMessage[] = [];
  const errors: Error[] = [];
  const created = createSubscriber({
    connection: server.url,
    heartbeat: false,
    onInvalid: (message) => invalid.push(message),
    onError: (error) => errors.push(error),
    ...options,
  });
  open.push(created);
  return { subscriber: created, invalid, errors };
}

const signal = (n: number, eventId?: string) =>
  JSON.stringify({
    event_type: "signals.generated",
    timestamp: "2025-01-18T09:00:00Z",
    strategy_id: "alpha_baseline",
    symbols: ["AAPL"],
    num_signals: n,
    as_of_date: "2025-01-17",
    ...(eventId ? { event_id: eventId } : {}),
  });

async function numsub(channel: string): Promise<number> {
  const reply = (await publisher.call("PUBSUB", "NUMSUB", channel)) as [string, number];
  return Number(reply[1]);
}

describe("round trip", () => {
  const examples = channelNames.flatMap((channel) =>
    channels[channel].examples.map((example) => ({ channel, name: example.name, payload: example.payload })),
  );

  it.each(examples)("$channel example $name arrives typed and intact", async ({ channel, payload }) => {
    const { subscriber: s, invalid } = subscriber();
    const received: { event: unknown; address: string; parameters: unknown }[] = [];
    const symbol = (payload as { symbol?: string }).symbol ?? "";
    const address = channels[channel].parseAddress(`price.updated.${symbol}`)
      ? `price.updated.${symbol}`
      : channels[channel].address;
    await s.handle(channel as ChannelName, (event, context) => {
      received.push({ event, address: context.address, parameters: context.parameters });
    });
    await publisher.publish(address, JSON.stringify(payload));
    await waitFor(() => received.length === 1, "the example");
    expect(received[0]?.event).toEqual(payload);
    expect(received[0]?.address).toBe(address);
    expect(invalid).toEqual([]);
    expect(s.stats()).toMatchObject({ received: 1, delivered: 1, invalid: 0 });
  });

  it("a price handler for chosen symbols subscribes by address and gets the parsed symbol", async () => {
    const { subscriber: s } = subscriber();
    const symbols: string[] = [];
    await s.handle(
      "price.updated.{symbol}",
      (event, { parameters }) => {
        expect(event.symbol).toBe(parameters.symbol);
        symbols.push(parameters.symbol);
      },
      { symbols: ["AAPL", "BRK.B"] },
    );
    expect(await numsub("price.updated.AAPL")).toBe(1);
    expect(await numsub("price.updated.BRK.B")).toBe(1);
    for (const symbol of ["MSFT", "AAPL", "BRK.B"]) {
      await publisher.publish(
        `price.updated.${symbol}`,
        JSON.stringify({
          event_type: "price.updated",
          symbol,
          price: "1.5",
          timestamp: "2025-01-18T09:00:00Z",
        }),
      );
    }
    await waitFor(() => s.stats().received === 2, "two subscribed symbols");
    expect(symbols).toEqual(["AAPL", "BRK.B"]);
  });
});

describe("python wire fixtures", () => {
  it("every valid case reaches its handler intact, every invalid one only onInvalid", async () => {
    const { subscriber: s, invalid } = subscriber();
    const delivered: { address: string; event: unknown }[] = [];
    for (const channel of channelNames) {
      await s.handle(channel, (event, { address }) => {
        delivered.push({ address, event });
      });
    }
    for (const fixture of pythonWireCases) await publisher.publish(fixture.channel, fixture.wire);
    await waitFor(() => s.stats().received === pythonWireCases.length, "every fixture");

    const valid = pythonWireCases.filter((c) => c.expect === "valid");
    const invalidCases = pythonWireCases.filter((c) => c.expect === "invalid");
    expect(valid.length).toBeGreaterThan(0);
    expect(invalidCases.length).toBeGreaterThan(0);
    expect(delivered).toEqual(valid.map((c) => ({ address: c.channel, event: JSON.parse(c.wire) })));
    expect(invalid.map((m) => m.address)).toEqual(invalidCases.map((c) => c.channel));
    for (const message of invalid) expect(message.reasons.length).toBeGreaterThan(0);
    expect(s.stats()).toMatchObject({
      delivered: valid.length,
      invalid: invalidCases.length,
      handlerErrors: 0,
    });
  });
});

describe("bad input never reaches a handler", () => {
  const valid = signal(1);
  const cases: [string, string | Buffer, RegExp][] = [
    ["malformed JSON", '{"event_type": ', /not valid JSON/],
    ["an array", "[1,2,3]", /./],
    ["a number", "42", /./],
    ["null", "null", /./],
    ["an empty message", "", /empty/],
    [
      "invalid UTF-8",
      Buffer.concat([Buffer.from(valid.slice(0, -2)), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      /UTF-8/,
    ],
    ["a __proto__ key", valid.replace("{", '{"__proto__":{"polluted":true},'), /__proto__/],
    [
      "a constructor.prototype key",
      valid.replace("{", '{"constructor":{"prototype":{"polluted":true}},'),
      /constructor/,
    ],
    [
      "an integer beyond 2^53-1",
      signal(1).replace('"num_signals":1', '"num_signals":9007199254740993'),
      /num_signals/,
    ],
    [
      "more bytes than the limit",
      signal(1).replace('"alpha_baseline"', `"${"x".repeat(600)}"`),
      /limit of 512/,
    ],
  ];

  it.each(cases)("%s", async (_name, raw, reason) => {
    const { subscriber: s, invalid } = subscriber({ maxMessageBytes: 512 });
    let handled = 0;
    await s.handle("signals.generated", () => {
      handled += 1;
    });
    await publisher.publish("signals.generated", raw);
    await publisher.publish("signals.generated", valid);
    await waitFor(() => s.stats().received === 2, "both messages");
    expect(handled).toBe(1);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.reasons.map((r) => `${r.pointer}: ${r.message}`).join("\n")).toMatch(reason);
    expect(invalid[0]?.excerpt.length).toBeLessThanOrEqual(201);
    expect(s.stats()).toMatchObject({ received: 2, delivered: 1, invalid: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const names: [string, string | Buffer][] = [
    ["a glob character in the symbol", "price.updated.A*B"],
    ["an empty symbol", "price.updated."],
    ["a symbol longer than 32 characters", `price.updated.${"A".repeat(33)}`],
    [
      "a channel name that is not UTF-8",
      Buffer.concat([Buffer.from("price.updated.A"), Buffer.from([0xff])]),
    ],
  ];
  it.each(names)("a pattern match on %s is invalid, not delivered", async (_name, channelName) => {
    const { subscriber: s, invalid } = subscriber();
    let handled = 0;
    await s.handle("price.updated.{symbol}", () => {
      handled += 1;
    });
    const symbol = channelName.toString().slice("price.updated.".length);
    await publisher.publish(
      channelName,
      JSON.stringify({ event_type: "price.updated", symbol, price: "1", timestamp: "2025-01-18T09:00:00Z" }),
    );
    await waitFor(() => s.stats().received === 1, "the message");
    expect(handled).toBe(0);
    expect(invalid[0]?.reasons[0]?.message).toMatch(/not an address of price\.updated\.\{symbol\}/);
  });

  it("a payload whose symbol disagrees with its channel is invalid", async () => {
    const { subscriber: s, invalid } = subscriber();
    let handled = 0;
    await s.handle("price.updated.{symbol}", () => {
      handled += 1;
    });
    await publisher.publish(
      "price.updated.AAPL",
      JSON.stringify({
        event_type: "price.updated",
        symbol: "MSFT",
        price: "1",
        timestamp: "2025-01-18T09:00:00Z",
      }),
    );
    await waitFor(() => s.stats().invalid === 1, "the invalid message");
    expect(handled).toBe(0);
    expect(invalid[0]?.reasons).toEqual([
      { pointer: "/symbol", code: "parameter.mismatch", message: expect.stringMatching(/"AAPL"/) },
    ]);
  });
});

describe("handlers", () => {
  it("a handler that throws or rejects affects neither the other handlers nor the connection", async () => {
    const { subscriber: s, errors } = subscriber();
    const seen: number[] = [];
    await s.handle("signals.generated", () => {
      throw new Error("sync failure");
    });
    await s.handle("signals.generated", async () => {
      throw new Error("async failure");
    });
    await s.handle("signals.generated", (event) => {
      seen.push(event.num_signals);
    });
    for (const n of [1, 2, 3]) await publisher.publish("signals.generated", signal(n));
    await waitFor(() => s.stats().handlerErrors === 6, "six handler errors");
    expect(seen).toEqual([1, 2, 3]);
    expect(errors.map((e) => e.name)).toEqual(Array(6).fill("HandlerError"));
    expect(errors.map((e) => (e.cause as Error).message).sort()).toEqual([
      ...Array(3).fill("async failure"),
      ...Array(3).fill("sync failure"),
    ]);
    expect(s.stats()).toMatchObject({ received: 3, delivered: 3, handlerErrors: 6 });
  });

  it("unsubscribing the last handler of a channel unsubscribes it on Redis", async () => {
    const { subscriber: s } = subscriber();
    const first = await s.handle("signals.generated", () => {});
    const second = await s.handle("signals.generated", () => {});
    expect(await numsub("signals.generated")).toBe(1);
    await first();
    expect(await numsub("signals.generated")).toBe(1);
    await second();
    expect(await numsub("signals.generated")).toBe(0);
  });

  it("duplicates of an event_id are dropped within the window; events without one never are", async () => {
    const { subscriber: s } = subscriber({ dedupWindow: 2 });
    const seen: number[] = [];
    await s.handle("signals.generated", (event) => {
      seen.push(event.num_signals);
    });
    const ids = [
      "00000000-0000-4000-8000-000000000001",
      "00000000-0000-4000-8000-000000000002",
      "00000000-0000-4000-8000-000000000003",
    ];
    const messages = [
      signal(1, ids[0]),
      signal(2, ids[0]), // duplicate
      signal(3),
      signal(3), // no event_id: kept
      signal(4, ids[1]),
      signal(5, ids[2]), // pushes ids[0] out of the window of 2
      signal(6, ids[0]), // outside the window: delivered again
      signal(7, ids[2]), // duplicate
    ];
    for (const message of messages) await publisher.publish("signals.generated", message);
    await waitFor(() => s.stats().received === messages.length, "every message");
    expect(seen).toEqual([1, 3, 3, 4, 5, 6]);
    expect(s.stats()).toMatchObject({ delivered: 6, duplicates: 2 });
  });
});

describe("stream", () => {
  const policies = [
    { overflow: "drop-oldest", published: 6, want: [3, 4, 5], dropped: 3, error: false },
    { overflow: "drop-newest", published: 6, want: [0, 1, 2], dropped: 3, error: false },
    // The first overflow detaches the stream: a fifth message could arrive or not, so send four.
    { overflow: "error", published: 4, want: [0, 1, 2], dropped: 1, error: true },
  ] as const;

  it.each(policies)(
    "overflow $overflow keeps $want",
    async ({ overflow, published, want, dropped, error }) => {
      const { subscriber: s } = subscriber();
      const stream = s.stream("signals.generated", { highWaterMark: 3, overflow });
      await stream.subscribed;
      for (let n = 0; n < published; n++) await publisher.publish("signals.generated", signal(n));
      await waitFor(() => s.stats().received === published, "every message");
      expect(s.stats().dropped).toBe(dropped);
      const got: number[] = [];
      let failure: unknown;
      try {
        for await (const { channel, event } of stream) {
          expect(channel).toBe("signals.generated");
          got.push(event.num_signals);
          if (!error && got.length === want.length) break;
        }
      } catch (caught) {
        failure = caught;
      }
      expect(got).toEqual(want);
      if (error) expect(failure).toBeInstanceOf(StreamOverflowError);
      else expect(failure).toBeUndefined();
      await waitFor(async () => (await numsub("signals.generated")) === 0, "the stream to unsubscribe");
    },
  );

  it("events of several channels arrive discriminated by channel, with the address", async () => {
    const { subscriber: s } = subscriber();
    const stream = s.stream(
      ["signals.generated", ...topicsFor("price.updated.{symbol}", { symbols: ["AAPL"] })],
      {
        overflow: "error",
      },
    );
    await stream.subscribed;
    await publisher.publish("signals.generated", signal(9));
    await publisher.publish(
      "price.updated.AAPL",
      JSON.stringify(channels["price.updated.{symbol}"].examples[0]?.payload),
    );
    const got: string[] = [];
    for await (const item of stream) {
      if (item.channel === "price.updated.{symbol}")
        got.push(`${item.address} ${item.parameters.symbol} ${item.event.price}`);
      else if (item.channel === "signals.generated") got.push(`${item.address} ${item.event.num_signals}`);
      if (got.length === 2) break;
    }
    expect(got).toEqual(["signals.generated 9", "price.updated.AAPL AAPL 150.255"]);
  });

  it("close() ends a waiting stream", async () => {
    const { subscriber: s } = subscriber();
    const stream = s.stream("orders.executed", { overflow: "drop-oldest" });
    await stream.subscribed;
    const pending = stream.next();
    await s.close();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
  });
});

describe("connection", () => {
  it("given an existing client, opens its own connection and leaves the client alone", async () => {
    const { subscriber: s } = subscriber({ connection: publisher });
    const seen: number[] = [];
    await s.handle("signals.generated", (event) => {
      seen.push(event.num_signals);
    });
    // The client is not in subscriber mode: it can still publish, and survives close().
    await publisher.publish("signals.generated", signal(5));
    await waitFor(() => seen.length === 1, "the message");
    await s.close();
    expect(publisher.status).toBe("ready");
    expect(await publisher.ping()).toBe("PONG");
  });
});

describe("unknown channels", () => {
  // What an untyped caller (JavaScript, a config file) can pass: a misspelled channel name.
  const misspelled = "signals.generatd" as ChannelName;

  it("handle() rejects with an UnknownChannelError naming the closest channel, and subscribes nothing", async () => {
    const { subscriber: s } = subscriber();
    const attempt = s.handle(misspelled, () => {});
    await expect(attempt).rejects.toBeInstanceOf(UnknownChannelError);
    await expect(attempt).rejects.toMatchObject({ closestChannel: "signals.generated" });
    await expect(attempt).rejects.toThrow(/did you mean signals\.generated/);
    expect(s.stats().received).toBe(0);
    await s.subscribed();
  });

  it("stream() throws an UnknownChannelError naming the closest channel", () => {
    const { subscriber: s } = subscriber();
    expect(() => s.stream([misspelled], { overflow: "error" })).toThrow(UnknownChannelError);
    expect(() => s.stream(misspelled, { overflow: "error" })).toThrow(/did you mean signals\.generated/);
  });
});

describe("close", () => {
  it("is idempotent, and nothing can subscribe afterwards", async () => {
    const { subscriber: s } = subscriber();
    await s.handle("signals.generated", () => {});
    const first = s.close();
    expect(s.close()).toBe(first);
    await first;
    expect(await numsub("signals.generated")).toBe(0);
    await expect(s.handle("signals.generated", () => {})).rejects.toBeInstanceOf(SubscriberClosedError);
  });
});
