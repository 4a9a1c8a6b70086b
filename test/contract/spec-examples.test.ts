// Every example in asyncapi.yaml is a valid message under both producer and consumer rules.
import { describe, expect, it } from "vitest";
import { channelNames, channels } from "../../generated/index.js";
import { checkPayload } from "../../src/contract/validate.js";

const examples = channelNames.flatMap((channel) =>
  channels[channel].examples.map(
    (example) => [`${channel} ${example.name}`, channel, example.payload] as const,
  ),
);

describe("spec examples", () => {
  it("has at least two examples per channel", () => {
    for (const channel of channelNames) expect(channels[channel].examples.length).toBeGreaterThanOrEqual(2);
  });

  it.each(examples)("%s is valid for producers and consumers", (_name, channel, payload) => {
    expect(checkPayload(channel, payload, "strict")).toEqual({ ok: true, value: payload });
    expect(checkPayload(channel, payload, "tolerant")).toEqual({ ok: true, value: payload });
  });

  it.each(channels["price.updated.{symbol}"].examples.map((e) => [e.payload.symbol, e.payload] as const))(
    "price example for %s is valid on its own concrete address",
    (symbol, payload) => {
      const address = channels["price.updated.{symbol}"].buildAddress({ symbol });
      expect(address).toBe(`price.updated.${symbol}`);
      expect(checkPayload("price.updated.{symbol}", payload, "strict", { symbol }).ok).toBe(true);
      expect(checkPayload("price.updated.{symbol}", payload, "strict", { symbol: "ZZZ" }).ok).toBe(false);
    },
  );
});
