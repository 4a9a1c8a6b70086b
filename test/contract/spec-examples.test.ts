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

describe("generated serializers", () => {
  it.each(examples)("%s serialises to the same JSON as JSON.stringify", (_name, channel, payload) => {
    const serialize = channels[channel].serialize as (p: unknown) => string;
    expect(serialize(payload)).toBe(JSON.stringify(payload));
  });

  it.each([
    ["quotes and backslashes", 'a"b\\c'],
    ["control characters", "tab\there\u0001\n"],
    ["line separators", "\u2028\u2029"],
    ["non-ASCII", "stratégie-東京-😀"],
    ["a lone surrogate", "\ud800x"],
  ])("escapes free text with %s exactly as JSON.parse reads it back", (_name, strategy) => {
    const payload = { ...channels["signals.generated"].examples[0]?.payload, strategy_id: strategy };
    const wire = channels["signals.generated"].serialize(payload as never);
    expect(JSON.parse(wire)).toEqual(payload);
  });
});
