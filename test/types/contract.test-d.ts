// Type tests: the generated types say exactly what the wire says, and misuse does not compile.
import { describe, expectTypeOf, it } from "vitest";
import type {
  ChannelAddresses,
  ChannelName,
  ChannelParameters,
  ChannelPayloads,
  OrderEvent,
  PositionAction,
  PositionEvent,
  PriceUpdateEvent,
  SignalEvent,
} from "../../generated/index.js";
import { channels } from "../../generated/index.js";
import { checkPayload } from "../../src/contract/validate.js";
import type { PublishPayload } from "../../src/publisher/index.js";

describe("generated types", () => {
  it("maps every channel to its payload", () => {
    expectTypeOf<ChannelName>().toEqualTypeOf<
      "signals.generated" | "orders.executed" | "positions.updated" | "price.updated.{symbol}"
    >();
    expectTypeOf<ChannelPayloads["signals.generated"]>().toEqualTypeOf<SignalEvent>();
    expectTypeOf<ChannelPayloads["orders.executed"]>().toEqualTypeOf<OrderEvent>();
    expectTypeOf<ChannelPayloads["positions.updated"]>().toEqualTypeOf<PositionEvent>();
    expectTypeOf<ChannelPayloads["price.updated.{symbol}"]>().toEqualTypeOf<PriceUpdateEvent>();
    expectTypeOf<ChannelAddresses["price.updated.{symbol}"]>().toEqualTypeOf<`price.updated.${string}`>();
    expectTypeOf<ChannelParameters["price.updated.{symbol}"]>().toEqualTypeOf<{ symbol: string }>();
  });

  it("keeps wire names and literal types", () => {
    expectTypeOf<PositionEvent["action"]>().toEqualTypeOf<PositionAction>();
    expectTypeOf<PositionAction>().toEqualTypeOf<"buy" | "sell" | "fill" | "partial_fill">();
    expectTypeOf<SignalEvent["event_type"]>().toEqualTypeOf<"signals.generated">();
    expectTypeOf<PriceUpdateEvent["symbol"]>().toEqualTypeOf<string>();
    expectTypeOf<SignalEvent["strategy_id"]>().toEqualTypeOf<string>();
    expectTypeOf<SignalEvent["event_id"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<SignalEvent>().not.toHaveProperty("additionalProperties");
  });

  it("types the price quote fields as optional and nullable, as the producer sends them", () => {
    expectTypeOf<PriceUpdateEvent["bid"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<PriceUpdateEvent["ask_price"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<PriceUpdateEvent["bid_size"]>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<PriceUpdateEvent["volume"]>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<PriceUpdateEvent["exchange"]>().toEqualTypeOf<string | null | undefined>();
    // The producer's ordinary twelve-key message (from_quote), publishable with a Date timestamp.
    const fromQuote: PublishPayload<"price.updated.{symbol}"> = {
      event_type: "price.updated",
      symbol: "MSFT",
      price: "410.505",
      timestamp: new Date(),
      bid: "410.50",
      ask: "410.51",
      bid_price: "410.50",
      ask_price: "410.51",
      bid_size: 3,
      ask_size: 5,
      exchange: "V",
      volume: null,
    };
    // @ts-expect-error: a size is a number, not a decimal string
    const size: PriceUpdateEvent["bid_size"] = "3";
    // @ts-expect-error: a bid is a decimal string, not a number
    const bid: PriceUpdateEvent["bid"] = 410.5;
    expectTypeOf(fromQuote.volume).toEqualTypeOf<number | null | undefined>();
    expectTypeOf(size).toEqualTypeOf<number | null | undefined>();
    expectTypeOf(bid).toEqualTypeOf<string | null | undefined>();
  });

  it("rejects a wrong payload at compile time", () => {
    const position: PositionEvent = {
      event_type: "positions.updated",
      timestamp: "2025-01-18T09:00:00Z",
      symbol: "AAPL",
      // @ts-expect-error: "short" is not a PositionAction
      action: "short",
      qty_change: 1,
      new_qty: 1,
      price: "1.0",
      strategy_id: "s",
    };
    // @ts-expect-error: event_type is fixed to the channel's value
    const order: OrderEvent["event_type"] = "signals.generated";
    // @ts-expect-error: price is a decimal string, not a number
    const price: PriceUpdateEvent["price"] = 150.25;
    expectTypeOf(position).toEqualTypeOf<PositionEvent>();
    expectTypeOf(order).toBeString();
    expectTypeOf(price).toBeString();
  });

  it("types checks by channel and refuses unknown channels", () => {
    const result = checkPayload("positions.updated", {}, "tolerant");
    if (result.ok) expectTypeOf(result.value).toEqualTypeOf<PositionEvent>();
    // @ts-expect-error: not a channel of the contract
    checkPayload("orders.cancelled", {}, "tolerant");
    // @ts-expect-error: the price channel's parameters are { symbol }
    checkPayload("price.updated.{symbol}", {}, "tolerant", { ticker: "AAPL" });
    // @ts-expect-error: a channel without parameters takes none
    channels["signals.generated"].buildAddress({ symbol: "AAPL" });
    expectTypeOf(channels["price.updated.{symbol}"].parseAddress).returns.toEqualTypeOf<
      { symbol: string } | undefined
    >();
  });
});
