// Unknown channel names: every contract entry point throws UnknownChannelError naming the closest
// channel ("did you mean …?"), never a TypeError from reading an undefined definition.
import { describe, expect, it } from "vitest";
import { type ChannelName, channelNames } from "../../generated/index.js";
import { requireAddress, requireAddressOrChannel, requireChannel } from "../../src/contract/addresses.js";
import { closestChannel } from "../../src/contract/closest-channel.js";
import { checkPayload, checkRawMessage } from "../../src/contract/validate.js";
import { UnknownChannelError } from "../../src/errors.js";
import { firstExample } from "../support/examples.js";

describe("closestChannel", () => {
  it.each([
    ["a missing letter", "signal.generated", "signals.generated"],
    ["two letters swapped", "ordres.executed", "orders.executed"],
    ["another case", "Positions.Updated", "positions.updated"],
    ["a misspelled address of a parameterised channel", "prices.updated.AAPL", "price.updated.{symbol}"],
    ["a dotted parameter after a typo", "price.udpated.BRK.B", "price.updated.{symbol}"],
    ["a misspelled pattern", "price.update.*", "price.updated.{symbol}"],
    ["the channel's prefix without a parameter", "price.updated", "price.updated.{symbol}"],
    ["a misspelled channel name", "price.updated.{sym}", "price.updated.{symbol}"],
  ])("%s: %s → %s", (_reason, text, expected) => {
    expect(closestChannel(text, channelNames)).toBe(expected);
  });

  it.each([
    ["a name of another system", "orders.cancelled"],
    ["a different word", "heartbeat"],
    ["the empty string", ""],
    ["a pattern of everything", "*"],
  ])("%s (%s) has no suggestion: nothing is close enough to be a typo", (_reason, text) => {
    expect(closestChannel(text, channelNames)).toBeUndefined();
  });

  it("has no suggestion among no candidates", () => {
    expect(closestChannel("signals.generated", [])).toBeUndefined();
  });
});

describe("UnknownChannelError", () => {
  it("names the closest channel in its message and in a read-only field", () => {
    const error = new UnknownChannelError("signal.generated", channelNames);
    expect(error.closestChannel).toBe("signals.generated");
    expect(error.address).toBe("signal.generated");
    expect(error.message).toMatch(/^unknown channel "signal\.generated": did you mean signals\.generated\?/);
    expect(error.message).toContain(channelNames.join(", "));
  });

  it("says no 'did you mean' when nothing is close", () => {
    const error = new UnknownChannelError("heartbeat", channelNames);
    expect(error.closestChannel).toBeUndefined();
    expect(error.message).not.toContain("did you mean");
  });
});

/** Calls that must throw UnknownChannelError for a name that is not the contract's. */
const entryPoints: [name: string, call: (name: string) => unknown][] = [
  ["requireChannel", (name) => requireChannel(name)],
  ["requireAddress", (name) => requireAddress(name)],
  ["requireAddressOrChannel", (name) => requireAddressOrChannel(name)],
  ["checkPayload", (name) => checkPayload(name as ChannelName, firstExample("signals.generated"), "strict")],
  ["checkRawMessage", (name) => checkRawMessage(name as ChannelName, "{}", "tolerant")],
  ["checkRawMessage of unparsable bytes", (name) => checkRawMessage(name as ChannelName, "{", "tolerant")],
];

describe.each(entryPoints)("%s given an unknown name", (_entry, call) => {
  it.each([
    ["a misspelling", "signal.generated", "signals.generated"],
    ["a misspelled address", "prices.updated.AAPL", "price.updated.{symbol}"],
    ["an inherited property name (not a channel)", "constructor", undefined],
    ["__proto__", "__proto__", undefined],
  ])("%s (%s) is an UnknownChannelError naming %s", (_reason, name, closest) => {
    let thrown: unknown;
    try {
      call(name);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnknownChannelError);
    expect((thrown as UnknownChannelError).closestChannel).toBe(closest);
  });
});

describe("requireChannel", () => {
  it("returns a channel name of the contract unchanged", () => {
    for (const channel of channelNames) expect(requireChannel(channel)).toBe(channel);
  });

  it("refuses a concrete address: it names no channel by itself", () => {
    expect(() => requireChannel("price.updated.AAPL")).toThrow(/did you mean price\.updated\.\{symbol\}\?/);
  });

  it.each([
    ["undefined", undefined],
    ["a number", 42],
  ])("refuses %s from an untyped caller", (_reason, value) => {
    expect(() => requireChannel(value)).toThrow(UnknownChannelError);
  });
});

describe("requireAddressOrChannel", () => {
  it.each([
    [
      "a concrete address, with its parameters",
      "price.updated.BRK.B",
      "price.updated.{symbol}",
      { symbol: "BRK.B" },
    ],
    [
      "a channel name, with no parameters to compare",
      "price.updated.{symbol}",
      "price.updated.{symbol}",
      undefined,
    ],
    ["an address without parameters", "signals.generated", "signals.generated", {}],
  ])("resolves %s", (_reason, name, channel, parameters) => {
    expect(requireAddressOrChannel(name)).toEqual({ channel, parameters });
  });
});
