// Type tests: handlers and streams are typed from the generated ChannelPayloads, and misuse does not compile.
import { describe, expectTypeOf, it } from "vitest";
import type { OrderEvent, PriceUpdateEvent, SignalEvent } from "../../generated/index.js";
import { type StreamEvent, type Subscriber, topicsFor } from "../../src/subscriber/index.js";

declare const subscriber: Subscriber;

describe("subscriber types", () => {
  it("hands each handler its channel's payload and parameters", () => {
    void subscriber.handle("signals.generated", (event, context) => {
      expectTypeOf(event).toEqualTypeOf<SignalEvent>();
      expectTypeOf(context.channel).toEqualTypeOf<"signals.generated">();
    });
    void subscriber.handle(
      "price.updated.{symbol}",
      (event, { parameters }) => {
        expectTypeOf(event).toEqualTypeOf<PriceUpdateEvent>();
        expectTypeOf(parameters.symbol).toBeString();
      },
      { symbols: ["AAPL"] },
    );
  });

  it("rejects selections a channel does not have, and handlers of another channel", () => {
    // @ts-expect-error signals.generated has no parameters to select
    void subscriber.handle("signals.generated", () => {}, { symbols: ["AAPL"] });
    // @ts-expect-error the price channel's parameter is symbol, so its selection is symbols
    void subscriber.handle("price.updated.{symbol}", () => {}, { symbol: ["AAPL"] });
    // @ts-expect-error an order handler cannot take a signal event
    void subscriber.handle("orders.executed", (event: SignalEvent) => event);
    // @ts-expect-error not a channel of the contract
    void subscriber.handle("signals.created", () => {});
  });

  it("streams a union discriminated by channel", () => {
    const stream = subscriber.stream(["orders.executed", ...topicsFor("price.updated.{symbol}")], {
      overflow: "drop-oldest",
    });
    expectTypeOf(stream).toExtend<AsyncIterable<StreamEvent<"orders.executed" | "price.updated.{symbol}">>>();
    type Item = StreamEvent<"orders.executed" | "price.updated.{symbol}">;
    expectTypeOf<Extract<Item, { channel: "orders.executed" }>["event"]>().toEqualTypeOf<OrderEvent>();
    expectTypeOf<Extract<Item, { channel: "price.updated.{symbol}" }>["parameters"]>().toEqualTypeOf<{
      symbol: string;
    }>();
    // @ts-expect-error the overflow policy is explicit
    subscriber.stream("orders.executed", {});
  });
});
