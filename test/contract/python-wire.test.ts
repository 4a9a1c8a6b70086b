// Every message the Python services emit is classified as its fixture says, under consumer rules.
import { describe, expect, it } from "vitest";
import { requireAddress } from "../../src/contract/addresses.js";
import { checkRawMessage } from "../../src/contract/validate.js";
import { pythonWireCases } from "../support/python-wire.js";

describe("python-wire fixtures", () => {
  it("has valid and invalid cases for every channel", () => {
    expect(pythonWireCases.length).toBe(25);
    const channels = new Set(pythonWireCases.map((c) => requireAddress(c.channel).channel));
    expect(channels.size).toBe(4);
  });

  it.each(pythonWireCases.map((c) => [`${c.id} is ${c.expect} (${c.note})`, c] as const))(
    "%s",
    (_name, wireCase) => {
      const { channel, parameters } = requireAddress(wireCase.channel);
      const result = checkRawMessage(channel, Buffer.from(wireCase.wire, "utf8"), "tolerant", { parameters });
      if (wireCase.expect === "valid") {
        expect(result).toEqual({ ok: true, value: JSON.parse(wireCase.wire) });
      } else {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reasons.length).toBeGreaterThan(0);
      }
    },
  );

  it("accepts a field no contract defines as a consumer, but not as a producer", () => {
    const future = pythonWireCases.find((c) => c.id === "price-future-field");
    expect(future).toBeDefined();
    const { channel, parameters } = requireAddress(future?.channel ?? "");
    const strict = checkRawMessage(channel, future?.wire ?? "", "strict", { parameters });
    expect(strict.ok).toBe(false);
    if (!strict.ok) expect(strict.reasons.map((r) => r.pointer)).toEqual(["/conditions"]);
  });

  it.each(
    pythonWireCases
      .filter((c) => c.expect === "valid" && c.id !== "price-future-field")
      .map((c) => [c.id, c] as const),
  )("the producer's own message %s is valid under producer (strict) rules too", (_id, wireCase) => {
    const { channel, parameters } = requireAddress(wireCase.channel);
    expect(checkRawMessage(channel, wireCase.wire, "strict", { parameters })).toEqual({
      ok: true,
      value: JSON.parse(wireCase.wire),
    });
  });
});
