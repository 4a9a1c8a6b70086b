// Type tests of the kit: overrides keep the contract's field types, and an address picks its payload.
import { describe, expectTypeOf, it } from "vitest";
import type { PositionEvent, PriceUpdateEvent, SignalEvent } from "../../generated/index.js";
import { assertValidEvent, type ChannelOf, exampleEvents, makeEvent } from "../../src/testing/index.js";

describe("makeEvent types", () => {
  it("returns the channel's payload type", () => {
    expectTypeOf(makeEvent("positions.updated", { action: "sell" })).toEqualTypeOf<PositionEvent>();
    expectTypeOf(makeEvent("signals.generated")).toEqualTypeOf<SignalEvent>();
    expectTypeOf(makeEvent("price.updated.AAPL")).toEqualTypeOf<PriceUpdateEvent>();
    expectTypeOf(makeEvent("price.updated.{symbol}", { symbol: "MSFT" })).toEqualTypeOf<PriceUpdateEvent>();
  });

  it("maps a concrete address to its channel", () => {
    expectTypeOf<ChannelOf<"price.updated.BRK.B">>().toEqualTypeOf<"price.updated.{symbol}">();
    expectTypeOf<ChannelOf<"orders.executed">>().toEqualTypeOf<"orders.executed">();
  });

  it("rejects overrides the contract does not allow", () => {
    // @ts-expect-error "short" is not a PositionAction
    makeEvent("positions.updated", { action: "short" });
    // @ts-expect-error qty_change is a number
    makeEvent("positions.updated", { qty_change: "100" });
    // @ts-expect-error orders.executed has no field named symbol
    makeEvent("orders.executed", { symbol: "AAPL" });
    // @ts-expect-error not an address of the contract
    makeEvent("prices.updated");
    // @ts-expect-error exactOptionalPropertyTypes: an optional field is set or absent, never undefined
    makeEvent("signals.generated", { event_id: undefined });
  });
});

describe("assertValidEvent and exampleEvents types", () => {
  it("narrows an unknown payload", () => {
    const payload: unknown = JSON.parse("{}");
    assertValidEvent("price.updated.AAPL", payload);
    expectTypeOf(payload).toEqualTypeOf<PriceUpdateEvent>();
  });

  it("types the examples by channel, read-only", () => {
    expectTypeOf(exampleEvents["positions.updated"]).toEqualTypeOf<readonly Readonly<PositionEvent>[]>();
    // @ts-expect-error examples are read-only
    exampleEvents["positions.updated"][0] = makeEvent("positions.updated");
  });
});
