// Type tests: a sharded subscriber cannot be asked for a pattern (Redis has no sharded PSUBSCRIBE), so a
// parameterised channel needs its addresses named; a classic one keeps the optional selection.
import type { Cluster } from "ioredis";
import { describe, expectTypeOf, it } from "vitest";
import type { PriceUpdateEvent } from "../../generated/index.js";
import type { PubSubMode } from "../../src/connection/cluster-options.js";
import { createSubscriber, type Subscriber, topicsFor } from "../../src/subscriber/index.js";

declare const cluster: Cluster;
declare const sharded: Subscriber<"sharded">;
declare const eitherMode: Subscriber<PubSubMode>;

describe("sharded subscriber types", () => {
  it("infers the mode from the options", () => {
    expectTypeOf(createSubscriber({ connection: cluster, mode: "sharded" })).toEqualTypeOf<
      Subscriber<"sharded">
    >();
    expectTypeOf(createSubscriber({ connection: { cluster: ["redis://127.0.0.1:7000"] } })).toEqualTypeOf<
      Subscriber<"classic">
    >();
  });

  it("takes concrete symbol lists for the price channel, and fixed channels as they are", () => {
    void sharded.handle(
      "price.updated.{symbol}",
      (event, { parameters }) => {
        expectTypeOf(event).toEqualTypeOf<PriceUpdateEvent>();
        expectTypeOf(parameters.symbol).toBeString();
      },
      { symbols: ["AAPL", "MSFT"] },
    );
    void sharded.handle("orders.executed", () => {});
    void sharded.stream(["orders.executed", ...topicsFor("price.updated.{symbol}", { symbols: ["AAPL"] })], {
      overflow: "drop-oldest",
    });
  });

  it("rejects a pattern subscription in sharded mode, or when the mode may be sharded", () => {
    // @ts-expect-error sharded: the price channel needs { symbols: [...] } (no sharded PSUBSCRIBE)
    void sharded.handle("price.updated.{symbol}", () => {});
    // @ts-expect-error sharded: an empty selection is still a pattern
    void sharded.handle("price.updated.{symbol}", () => {}, {});
    // @ts-expect-error a subscriber that may be sharded needs the symbols too
    void eitherMode.handle("price.updated.{symbol}", () => {});
    // @ts-expect-error sharded: streaming a parameterised channel by name means its pattern
    void sharded.stream("price.updated.{symbol}", { overflow: "drop-oldest" });
    // @ts-expect-error sharded: topicsFor without a selection may be the pattern topic
    void sharded.handleTopics(topicsFor("price.updated.{symbol}"), () => {});
  });

  it("keeps the pattern subscription in classic mode", () => {
    const classic = createSubscriber({ connection: cluster, mode: "classic" });
    void classic.handle("price.updated.{symbol}", () => {});
    void classic.stream("price.updated.{symbol}", { overflow: "drop-oldest" });
  });
});
