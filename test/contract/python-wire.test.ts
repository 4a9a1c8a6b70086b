// Every message the Python services emit is classified as its fixture says, under consumer rules.
import { describe, expect, it } from "vitest";
import { requireAddress } from "../../src/contract/addresses.js";
import { checkRawMessage } from "../../src/contract/validate.js";
import { pythonWireCases } from "../support/python-wire.js";

describe("python-wire fixtures", () => {
  it("has valid and invalid cases for every channel", () => {
    expect(pythonWireCases.length).toBeGreaterThanOrEqual(20);
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

  it("accepts the extra fields of a newer producer as a consumer, but not as a producer", () => {
    const extra = pythonWireCases.find((c) => c.id === "price-v2-extra-fields");
    expect(extra).toBeDefined();
    const { channel, parameters } = requireAddress(extra?.channel ?? "");
    const strict = checkRawMessage(channel, extra?.wire ?? "", "strict", { parameters });
    expect(strict.ok).toBe(false);
    if (!strict.ok) {
      expect(strict.reasons.map((r) => r.pointer).sort()).toEqual(
        ["/ask", "/ask_size", "/bid", "/bid_size", "/exchange", "/volume"].sort(),
      );
    }
  });
});
