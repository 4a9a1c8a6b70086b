// The test kit for consumers with a manifest, used as a consumer's own suite would use it: a
// stand-in for the web console's price handler (its rules from origin-notes) must do with every
// case what the manifest says; a handler that drifts from the manifest fails.
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { assertManifestHolds, checkManifest, manifestCases } from "../../src/testing/index.js";

const root = resolve(import.meta.dirname, "../..");
const webConsole = join(root, "contracts/consumers/web-console.yaml");

type Handler = (address: string, message: { symbol: string; price: string }) => boolean;
/** The console's rules: symbols of at most 10 characters in its alphabet, and a price above 0. */
const consoleHandler: Handler = (_address, { symbol, price }) =>
  symbol.length <= 10 && /^[A-Z0-9]+([.-][A-Z0-9]+)*$/.test(symbol) && Number(price) > 0;
/** The same, drifted: it also takes crypto pairs (`BTC/USD`), which its manifest says it rejects. */
const driftedHandler: Handler = (address, message) =>
  consoleHandler(address, { ...message, symbol: message.symbol.replace("/", "-") });
/** The same, drifted the other way: it drops share classes (`BRK.B`), which its manifest accepts. */
const strictHandler: Handler = (address, message) =>
  consoleHandler(address, message) && !message.symbol.includes(".");

const consoleCases = manifestCases(webConsole);
const disagreements = (handler: Handler) =>
  consoleCases
    .filter((c) => handler(c.address, c.message as never) !== c.acceptedByManifest)
    .map((c) => c.name);

describe("manifestCases: the package's examples and generated cases for a consumer's own tests", () => {
  it("covers the examples and each rejection, both outcomes", () => {
    const cases = consoleCases;
    expect(cases.map((c) => c.name)).toEqual([
      "example #1",
      "example #2",
      "example #3",
      "rejected /price not",
      "rejected /symbol maxLength",
      "rejected /symbol pattern",
    ]);
    expect(cases.filter((c) => c.acceptedByManifest)).toHaveLength(3);
  });

  it.each([
    ["the console's handler agrees with its manifest on every case", consoleHandler, []],
    [
      "a handler that takes `/` in symbols disagrees on the pattern case",
      driftedHandler,
      ["rejected /symbol pattern"],
    ],
    ["a handler that drops share classes disagrees on the BRK.B example", strictHandler, ["example #2"]],
  ])("%s", (_name, handler, expected) => {
    expect(disagreements(handler)).toEqual(expected);
  });

  it("a consumer that lists addresses gets only cases on them", () => {
    const cases = manifestCases(join(root, "test/consumers/manifests/risk-monitor.yaml"));
    const prices = cases.filter((c) => c.channel === "price.updated.{symbol}");
    expect(new Set(prices.map((c) => c.address))).toEqual(
      new Set(["price.updated.AAPL", "price.updated.BRK.B"]),
    );
    expect(prices.map((c) => c.name)).toContain("read /bid nullable");
  });
});

describe("assertManifestHolds", () => {
  it("web-console: every difference accepted, nothing thrown", () => {
    expect(() => assertManifestHolds(webConsole)).not.toThrow();
    expect(checkManifest(webConsole).ok).toBe(true);
  });

  it.each([
    [
      "risk-monitor reads /bid, which the contract does not guarantee",
      "risk-monitor.yaml",
      /price\.updated\.\{symbol\} \/bid optional: /,
    ],
    [
      "tape-recorder subscribes to a channel that does not exist",
      "tape-recorder.yaml",
      /prices\.updated\.\{symbol\}: the contract has no channel/,
    ],
  ])("%s: an AssertionError listing it", (_name, file, line) => {
    expect(() => assertManifestHolds(join(root, "test/consumers/manifests", file))).toThrow(line);
  });
});
