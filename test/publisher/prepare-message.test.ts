// What the publisher puts on the wire, before any Redis is involved: dates as RFC 3339, an event id,
// decimals as strings, the strict contract, and channel names that can never act as a glob.
import { describe, expect, it } from "vitest";
import type { PriceUpdateEvent, SignalEvent } from "../../generated/index.js";
import { ContractValidationError } from "../../src/errors.js";
import { prepareMessage } from "../../src/publisher/message/prepare-message.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const signal: SignalEvent = {
  event_type: "signals.generated",
  timestamp: "2025-01-18T09:00:00Z",
  strategy_id: "alpha_baseline",
  symbols: ["AAPL"],
  num_signals: 1,
  as_of_date: "2025-01-17",
};

const price: PriceUpdateEvent = {
  event_type: "price.updated",
  symbol: "BRK.B",
  price: "480.10",
  timestamp: "2025-01-18T09:00:00+00:00",
};

function reasonsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractValidationError);
    return (error as ContractValidationError).reasons.map((r) => `${r.pointer}: ${r.message}`);
  }
  throw new Error("expected a ContractValidationError");
}

describe("prepareMessage: the wire form", () => {
  it("writes a Date as RFC 3339 in UTC with an offset", () => {
    const message = prepareMessage("signals.generated", {
      ...signal,
      timestamp: new Date(Date.UTC(2025, 0, 18, 9, 30)),
    });
    expect(JSON.parse(message.body).timestamp).toBe("2025-01-18T09:30:00.000Z");
  });

  it("keeps a timestamp string byte for byte (microseconds, offsets)", () => {
    const message = prepareMessage("signals.generated", {
      ...signal,
      timestamp: "2025-01-18T09:30:00.123456-05:00",
    });
    expect(JSON.parse(message.body).timestamp).toBe("2025-01-18T09:30:00.123456-05:00");
  });

  it("fills in a fresh UUID event id when the caller leaves it out", () => {
    const first = prepareMessage("signals.generated", signal);
    const second = prepareMessage("signals.generated", signal);
    expect(first.eventId).toMatch(UUID);
    expect(JSON.parse(first.body).event_id).toBe(first.eventId);
    expect(second.eventId).not.toBe(first.eventId);
  });

  it("keeps an event id the caller set", () => {
    const eventId = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const message = prepareMessage("signals.generated", { ...signal, event_id: eventId });
    expect(message.eventId).toBe(eventId);
    expect(JSON.parse(message.body).event_id).toBe(eventId);
  });

  it("keeps decimals as strings on the wire", () => {
    const message = prepareMessage("price.updated.{symbol}", { ...price, price: "0.00010" });
    expect(message.body).toContain('"price":"0.00010"');
  });

  it("takes the price channel's symbol from the payload", () => {
    expect(prepareMessage("price.updated.{symbol}", price).address).toBe("price.updated.BRK.B");
    expect(prepareMessage("price.updated.{symbol}", price, { symbol: "BRK.B" }).address).toBe(
      "price.updated.BRK.B",
    );
  });

  it("fills in distinct version 4 UUIDs", () => {
    const ids = Array.from({ length: 1_000 }, () => prepareMessage("signals.generated", signal).eventId);
    expect(ids.filter((id) => !UUID.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("fills in an event id left undefined explicitly", () => {
    const message = prepareMessage("signals.generated", { ...signal, event_id: undefined } as never);
    expect(message.eventId).toMatch(UUID);
    expect(JSON.parse(message.body).event_id).toBe(message.eventId);
  });

  it("writes what JSON.stringify of the checked payload would hold, whatever the caller's object looks like", () => {
    const shapes: [string, unknown][] = [
      ["a literal", { ...signal }],
      ["keys in another order", Object.fromEntries(Object.entries(signal).reverse())],
      ["a class instance", Object.assign(new (class Signal {})(), signal)],
      ["a null-prototype object", Object.assign(Object.create(null), signal)],
      ["parsed JSON", JSON.parse(JSON.stringify(signal))],
    ];
    for (const [name, payload] of shapes) {
      const message = prepareMessage("signals.generated", payload as SignalEvent);
      expect(JSON.parse(message.body), name).toEqual({ ...signal, event_id: message.eventId });
    }
  });

  it("does not change the caller's object", () => {
    const payload = { ...signal, timestamp: new Date() };
    prepareMessage("signals.generated", payload);
    expect(payload.timestamp).toBeInstanceOf(Date);
    expect("event_id" in payload).toBe(false);
  });
});

describe("prepareMessage: refused before anything is sent", () => {
  const cases: [name: string, run: () => unknown, want: string[]][] = [
    [
      "every reason at once, not just the first",
      () =>
        prepareMessage("signals.generated", { ...signal, symbols: [], num_signals: -1, extra: 1 } as never),
      ["/symbols", "/num_signals", "/extra"],
    ],
    [
      "an invalid Date, reported once",
      () => prepareMessage("signals.generated", { ...signal, timestamp: new Date("x") }),
      ["/timestamp: is an invalid Date"],
    ],
    [
      "a naive timestamp",
      () => prepareMessage("signals.generated", { ...signal, timestamp: "2025-01-18T09:00:00" }),
      ["/timestamp"],
    ],
    [
      "a decimal as a number",
      () => prepareMessage("price.updated.{symbol}", { ...price, price: 480.1 } as never),
      ["/price"],
    ],
    [
      "a malformed event id",
      () => prepareMessage("signals.generated", { ...signal, event_id: "42" }),
      ["/event_id"],
    ],
    [
      "an event id that is null, not left out",
      () => prepareMessage("signals.generated", { ...signal, event_id: null } as never),
      ["/event_id"],
    ],
    [
      "an own __proto__ key (as JSON.parse makes it): an unknown field, never the copy's prototype",
      () =>
        prepareMessage(
          "signals.generated",
          JSON.parse(
            `{"__proto__":{"strategy_id":"x"},${JSON.stringify(signal)
              .slice(1)
              .replace(/"strategy_id":"[^"]*",/, "")}`,
          ),
        ),
      ["/strategy_id", "/__proto__"],
    ],
    [
      "a required field only inherited, not the payload's own",
      () => {
        const { strategy_id, ...rest } = signal;
        return prepareMessage("signals.generated", Object.assign(Object.create({ strategy_id }), rest));
      },
      ["/strategy_id"],
    ],
    [
      "a payload that is not an object",
      () => prepareMessage("signals.generated", null as never),
      [": must be an object"],
    ],
    [
      "an unknown channel",
      () => prepareMessage("signals.nope" as never, signal as never),
      [": names no channel"],
    ],
    [
      "an explicit symbol that disagrees with the payload",
      () => prepareMessage("price.updated.{symbol}", price, { symbol: "AAPL" }),
      ['/symbol: must equal the channel\'s symbol "AAPL", not "BRK.B"'],
    ],
    ...["AA*", "A?", "[AB]", "A\\B", "AA PL", "AAPL\n", "*", "", ".AAPL", "A".repeat(33)].map(
      (symbol): [string, () => unknown, string[]] => [
        `symbol ${JSON.stringify(symbol)}: would be a glob or break the channel name`,
        () => prepareMessage("price.updated.{symbol}", { ...price, symbol }),
        ["/symbol"],
      ],
    ),
  ];

  it.each(cases)("%s", (_name, run, want) => {
    const reasons = reasonsOf(run);
    for (const expected of want) expect(reasons.some((reason) => reason.startsWith(expected))).toBe(true);
    expect(new Set(reasons).size).toBe(reasons.length);
  });
});
