// What a service's own contract tests look like with the kit: a consumer proves it handles every
// event the contract allows, and a producer proves that what it sends is valid. The "service"
// code here stands in for code that would live in the service's repository.
import { describe, expect, it } from "vitest";
import type { PositionEvent, PriceUpdateEvent } from "../../src/index.js";
import { assertValidEvent, exampleEvents, makeEvent } from "../../src/testing/index.js";

// --- a consumer: keeps each symbol's position from positions.updated --------------------------
function applyPositionUpdate(book: Map<string, number>, event: PositionEvent): Map<string, number> {
  const next = new Map(book);
  if (event.new_qty === 0) next.delete(event.symbol);
  else next.set(event.symbol, event.new_qty);
  return next;
}

// --- a producer: turns a quote into price.updated.<symbol> --------------------------------------
function priceUpdateFromQuote(quote: {
  ticker: string;
  bid: number;
  ask: number;
  at: Date;
}): PriceUpdateEvent {
  return {
    event_type: "price.updated",
    symbol: quote.ticker,
    price: ((quote.bid + quote.ask) / 2).toFixed(4),
    timestamp: quote.at.toISOString(),
  };
}

describe("consumer contract: the position book", () => {
  it.each(exampleEvents["positions.updated"].map((e) => [e.action, e] as const))(
    "applies the spec's %s example",
    (_action, event) => {
      const book = applyPositionUpdate(new Map(), event);
      expect(book.get(event.symbol)).toBe(event.new_qty);
    },
  );

  it("removes a position that was closed", () => {
    const open = applyPositionUpdate(new Map(), makeEvent("positions.updated", { new_qty: 100 }));
    const closed = applyPositionUpdate(
      open,
      makeEvent("positions.updated", { action: "sell", qty_change: -100, new_qty: 0 }),
    );
    expect(closed.has("AAPL")).toBe(false);
  });

  it("accepts an event from a newer producer that added a field", () => {
    const newer = { ...makeEvent("positions.updated", { action: "fill" }), venue: "XNYS" };
    assertValidEvent("positions.updated", newer, { view: "tolerant" });
    expect(applyPositionUpdate(new Map(), newer).get("AAPL")).toBe(100);
  });
});

describe("producer contract: quotes to price updates", () => {
  const quotes = [
    { ticker: "AAPL", bid: 150.25, ask: 150.26, at: new Date("2025-01-18T14:30:05.123Z") },
    { ticker: "BRK.B", bid: 480, ask: 480.2, at: new Date("2025-01-18T14:30:06Z") },
  ];
  it.each(quotes)("sends a valid event on price.updated.$ticker", (quote) => {
    assertValidEvent(`price.updated.${quote.ticker}`, priceUpdateFromQuote(quote));
  });

  it("would be caught sending a symbol that is not the channel's", () => {
    const event = priceUpdateFromQuote(quotes[0] as (typeof quotes)[number]);
    expect(() => assertValidEvent("price.updated.MSFT", event)).toThrow(
      /\/symbol: must equal the channel's symbol "MSFT"/,
    );
  });
});
