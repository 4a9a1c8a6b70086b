// The consumer test kit: examples come from the spec, makeEvent builds valid events (and refuses
// invalid overrides), assertValidEvent names every reason an event breaks the contract.
import { describe, expect, it } from "vitest";
import { channelNames, channels } from "../../generated/index.js";
import { ContractValidationError, UnknownChannelError } from "../../src/errors.js";
import {
  assertValidEvent,
  type EventAddress,
  EventAssertionError,
  exampleEvents,
  makeEvent,
} from "../../src/testing/index.js";

describe("exampleEvents", () => {
  it.each(channelNames)("holds every spec example of %s, in order", (channel) => {
    expect(exampleEvents[channel]).toEqual(channels[channel].examples.map((e) => e.payload));
    expect(exampleEvents[channel].length).toBeGreaterThanOrEqual(2);
  });

  it("is frozen, so that one test cannot change another's examples", () => {
    const example = exampleEvents["signals.generated"][0] as { symbols: string[] };
    expect(() => example.symbols.push("TSLA")).toThrow(TypeError);
    expect(channels["signals.generated"].examples[0]?.payload.symbols).toEqual(["AAPL", "MSFT", "GOOGL"]);
  });
});

describe("makeEvent", () => {
  const valid: [string, EventAddress, Record<string, unknown>, Record<string, unknown>][] = [
    [
      "the first example when nothing is overridden",
      "orders.executed",
      {},
      channels["orders.executed"].examples[0]?.payload ?? {},
    ],
    [
      "an override of an enum field",
      "positions.updated",
      { action: "sell" },
      { action: "sell", symbol: "AAPL" },
    ],
    [
      "an added optional field",
      "signals.generated",
      { event_id: "6ba7b810-9dad-41d1-80b4-00c04fd430c8" },
      { event_id: "6ba7b810-9dad-41d1-80b4-00c04fd430c8" },
    ],
    [
      "the symbol of a concrete price address",
      "price.updated.MSFT",
      {},
      { symbol: "MSFT", event_type: "price.updated" },
    ],
    [
      "a symbol with a dot from the address",
      "price.updated.BRK.B",
      { price: "480.10" },
      { symbol: "BRK.B", price: "480.10" },
    ],
    [
      "a symbol override on the channel name",
      "price.updated.{symbol}",
      { symbol: "TSLA" },
      { symbol: "TSLA" },
    ],
  ];
  it.each(valid)("returns %s", (_reason, address, overrides, expected) => {
    const event = makeEvent(address, overrides as never);
    expect(event).toMatchObject(expected);
    expect(() => assertValidEvent(address, event)).not.toThrow();
  });

  it("returns a fresh copy every time", () => {
    const first = makeEvent("signals.generated");
    first.symbols.push("TSLA");
    expect(makeEvent("signals.generated").symbols).toEqual(["AAPL", "MSFT", "GOOGL"]);
  });

  const invalid: [string, EventAddress, Record<string, unknown>, string[]][] = [
    [
      "two broken fields, both named",
      "positions.updated",
      { qty_change: 1.5, price: "1,5" },
      ["/qty_change", "/price"],
    ],
    ["a field the contract does not define", "orders.executed", { venue: "XNYS" }, ["/venue"]],
    ["a symbol that contradicts the address", "price.updated.MSFT", { symbol: "AAPL" }, ["/symbol"]],
    ["a naive timestamp", "signals.generated", { timestamp: "2025-01-18T09:00:00" }, ["/timestamp"]],
  ];
  it.each(invalid)("refuses %s with every reason", (_reason, address, overrides, pointers) => {
    let thrown: unknown;
    try {
      makeEvent(address, overrides as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ContractValidationError);
    const error = thrown as ContractValidationError;
    expect([...new Set(error.reasons.map((r) => r.pointer))].sort()).toEqual([...pointers].sort());
    for (const pointer of pointers) expect(error.message).toContain(`${pointer}: `);
  });

  it("refuses an address that is not the contract's", () => {
    expect(() => makeEvent("prices.updated" as EventAddress)).toThrow(UnknownChannelError);
  });
});

describe("assertValidEvent", () => {
  it.each(
    channelNames.flatMap((channel) => exampleEvents[channel].map((event) => [channel, event] as const)),
  )("accepts the spec example on %s", (channel, event) => {
    expect(() => assertValidEvent(channel, event)).not.toThrow();
  });

  const cases: [string, EventAddress, unknown, "strict" | "tolerant" | undefined, string[] | "valid"][] = [
    [
      "an unknown field under the default strict rules",
      "orders.executed",
      { ...exampleEvents["orders.executed"][0], venue: "X" },
      undefined,
      ["/venue"],
    ],
    [
      "an unknown field under the tolerant rules",
      "orders.executed",
      { ...exampleEvents["orders.executed"][0], venue: "X" },
      "tolerant",
      "valid",
    ],
    [
      "every missing field, not just the first",
      "positions.updated",
      { event_type: "positions.updated" },
      "tolerant",
      ["/timestamp", "/symbol", "/action", "/qty_change", "/new_qty", "/price", "/strategy_id"],
    ],
    [
      "a payload whose symbol is not the address's",
      "price.updated.AAPL",
      { ...exampleEvents["price.updated.{symbol}"][0], symbol: "MSFT" },
      "tolerant",
      ["/symbol"],
    ],
    ["a payload that is not an object", "signals.generated", "signals!", "strict", [""]],
  ];
  it.each(cases)("judges %s", (_reason, address, payload, view, expected) => {
    const check = () => assertValidEvent(address, payload, view ? { view } : {});
    if (expected === "valid") {
      expect(check).not.toThrow();
      return;
    }
    let thrown: unknown;
    try {
      check();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EventAssertionError);
    const error = thrown as EventAssertionError;
    expect(error.code).toBe("ERR_ASSERTION");
    expect(error.channel).toBe(address);
    expect(error.view).toBe(view ?? "strict");
    expect(error.reasons.map((r) => r.pointer).sort()).toEqual([...expected].sort());
    expect(error.message).toContain(`${expected.length === 1 ? "1 reason" : `${expected.length} reasons`}:`);
    for (const reason of error.reasons)
      expect(error.message).toContain(`${reason.pointer || "/"}: ${reason.message}`);
  });

  it("names an unknown address as such", () => {
    expect(() => assertValidEvent("price.updated.not a symbol" as EventAddress, {})).toThrow(
      UnknownChannelError,
    );
  });
});
