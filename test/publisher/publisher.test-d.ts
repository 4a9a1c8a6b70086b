// Type tests: publish() is typed from the generated contract, and misuse does not compile.
import { describe, expectTypeOf, it } from "vitest";
import type { SignalEvent } from "../../generated/index.js";
import type { Publisher, PublishPayload, PublishResult } from "../../src/publisher/index.js";

declare const publisher: Publisher;

const signal: SignalEvent = {
  event_type: "signals.generated",
  timestamp: "2025-01-18T09:00:00Z",
  strategy_id: "alpha_baseline",
  symbols: ["AAPL"],
  num_signals: 1,
  as_of_date: "2025-01-17",
};
const price = {
  event_type: "price.updated",
  symbol: "AAPL",
  price: "150.25",
  timestamp: new Date(),
} as const;

describe("publish", () => {
  it("takes each channel's payload and resolves to a PublishResult", () => {
    expectTypeOf(publisher.publish("signals.generated", signal)).toEqualTypeOf<Promise<PublishResult>>();
    void publisher.publish("price.updated.{symbol}", price);
    void publisher.publish("price.updated.{symbol}", price, { symbol: "AAPL" });
  });

  it("also takes a concrete address, typed by the channel it belongs to", () => {
    expectTypeOf(publisher.publish("price.updated.AAPL", price)).toEqualTypeOf<Promise<PublishResult>>();
    void publisher.publish("signals.generated", signal);
    // @ts-expect-error a price address takes a price payload
    void publisher.publish("price.updated.AAPL", signal);
    // @ts-expect-error an address is no channel of the contract
    void publisher.publish("prices.updated.AAPL", price);
    // @ts-expect-error the symbol comes from the address: no options beside it
    void publisher.publish("price.updated.AAPL", price, { symbol: "AAPL" });
  });

  it("accepts a Date for the date-time field only", () => {
    expectTypeOf<PublishPayload<"signals.generated">["timestamp"]>().toEqualTypeOf<string | Date>();
    expectTypeOf<PublishPayload<"signals.generated">["as_of_date"]>().toEqualTypeOf<string>();
    expectTypeOf<PublishPayload<"signals.generated">["event_id"]>().toEqualTypeOf<string | undefined>();
    void publisher.publish("signals.generated", { ...signal, timestamp: new Date() });
    // @ts-expect-error as_of_date is a calendar date string, not a date-time
    void publisher.publish("signals.generated", { ...signal, as_of_date: new Date() });
  });

  it("refuses misuse at compile time", () => {
    // @ts-expect-error a channel that is not in the contract
    void publisher.publish("signals.generatd", signal);
    // @ts-expect-error another channel's payload
    void publisher.publish("orders.executed", signal);
    // @ts-expect-error decimals are strings on the wire
    void publisher.publish("price.updated.{symbol}", { ...price, price: 150.25 });
    // @ts-expect-error a required field is missing
    void publisher.publish("signals.generated", { ...signal, strategy_id: undefined });
    // @ts-expect-error only the price channel has a symbol parameter
    void publisher.publish("signals.generated", signal, { symbol: "AAPL" });
  });

  it("types event listeners by event name", () => {
    publisher.on("published", (event) => {
      expectTypeOf(event.subscribers).toEqualTypeOf<number>();
    });
    publisher.on("dropped", (event) => {
      expectTypeOf(event.droppedTotal).toEqualTypeOf<number>();
    });
    // @ts-expect-error not an event of the publisher
    publisher.on("delivered", () => {});
  });
});
