// The consumer check against the package's contract: (a) what a consumer rejects that the contract
// allows, each with a message the generated validators accept and the consumer's rules refuse;
// (b) reads the contract does not guarantee; (c) unknown channels and addresses.
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type ChannelName, channels as catalogue } from "../../generated/index.js";
import { compileConsumerRules } from "../../src/consumers/consumer-rules.js";
import {
  type ConsumerReport,
  checkConsumer,
  packageContractChannels,
  parseManifest,
  readManifest,
} from "../../src/consumers/index.js";
import { resolveAddress } from "../../src/contract/addresses.js";
import { checkPayload } from "../../src/contract/validate.js";

const root = resolve(import.meta.dirname, "../..");
const contract = packageContractChannels();
const check = (file: string) => checkConsumer(readManifest(file), contract);
const webConsole = check(join(root, "contracts/consumers/web-console.yaml"));
const riskMonitor = check(join(root, "test/consumers/manifests/risk-monitor.yaml"));
const tapeRecorder = check(join(root, "test/consumers/manifests/tape-recorder.yaml"));
const manifest = (subscription: string) =>
  parseManifest(`consumer: desk\nsubscriptions:\n${subscription}`, "desk.yaml");

/** Every counterexample shown: valid for the generated validators, on its address, and refused by the rules. */
function expectHonestCounterexamples(report: ConsumerReport, rules: object) {
  const refuses = compileConsumerRules(rules as never);
  for (const r of report.channels.flatMap((c) => c.rejections)) {
    const resolved = resolveAddress(r.address);
    expect(resolved, r.address).toBeDefined();
    const channel = resolved?.channel as ChannelName;
    expect(checkPayload(channel, r.message, "strict", resolved?.parameters as never).ok, r.address).toBe(
      true,
    );
    expect(refuses(r.message), JSON.stringify(r.message)).toBe(false);
  }
}

describe("web-console against the contract (a)", () => {
  const rejections = webConsole.channels[0]?.rejections ?? [];
  const symbol = (rule: string) =>
    rejections.find((r) => r.field === "/symbol" && r.rule === rule)?.message as { symbol: string };

  it.each([
    [
      "a symbol with a slash (BTC/USD-like), which the console's pattern refuses",
      "pattern",
      (s: string) => s.includes("/"),
    ],
    [
      "a 32-character symbol, the contract's longest, over the console's 10",
      "maxLength",
      (s: string) => s.length === 32,
    ],
  ])("%s", (_name, rule, shape) => {
    expect(shape(symbol(rule).symbol)).toBe(true);
  });

  it("a price of 0, which the console treats as invalid", () => {
    expect(rejections.find((r) => r.field === "/price")).toMatchObject({
      rule: "not",
      message: { price: "0" },
    });
  });

  it("every counterexample passes the generated validators and fails the console's rules", () => {
    expectHonestCounterexamples(
      webConsole,
      readManifest(join(root, "contracts/consumers/web-console.yaml")).subscriptions[0]?.accepts ?? {},
    );
    expect(rejections).toHaveLength(3);
  });

  it("all three are accepted in the manifest, so the consumer is ok", () => {
    expect(rejections.every((r) => r.accepted !== undefined)).toBe(true);
    expect(webConsole).toMatchObject({ ok: true, unknown: [], unusedAcceptances: [] });
  });
});

describe("rules the contract already implies: no counterexample, no false alarm", () => {
  it.each([
    ["symbol maxLength 32, the contract's own", "properties: { symbol: { maxLength: 32 } }"],
    ["price a string, as the contract says", "properties: { price: { type: string } }"],
    ["event_type required, as the contract says", "required: [event_type]"],
  ])("%s", (_name, accepts) => {
    const report = checkConsumer(
      manifest(
        `  - channel: price.updated.{symbol}\n    using: SUBSCRIBE\n    reads: [/symbol]\n    accepts: { ${accepts} }\n`,
      ),
      contract,
    );
    expect(report.channels[0]?.rejections).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe("narrower rules found in other fields and shapes", () => {
  it.each([
    ["an optional field required: a message without it", "required: [bid]", "/bid", "required"],
    [
      "a nullable field forced to a string: a null one",
      "properties: { exchange: { type: string } }",
      "/exchange",
      "type",
    ],
    [
      "an enum narrowed: the value it leaves out",
      "properties: { action: { enum: [buy, sell] } }",
      "/action",
      "enum",
    ],
    [
      "an integer bound: a negative quantity",
      "properties: { new_qty: { minimum: 0 } }",
      "/new_qty",
      "minimum",
    ],
  ])("%s", (_name, accepts, field, rule) => {
    const channel =
      accepts.includes("action") || accepts.includes("new_qty")
        ? "positions.updated"
        : "price.updated.{symbol}";
    const report = checkConsumer(
      manifest(`  - channel: ${channel}\n    using: SUBSCRIBE\n    reads: []\n    accepts: { ${accepts} }\n`),
      contract,
    );
    expect(report.channels[0]?.rejections.map((r) => [r.field, r.rule])).toEqual([[field, rule]]);
    expect(report.ok).toBe(false);
    expectHonestCounterexamples(
      report,
      manifest(`  - channel: ${channel}\n    using: SUBSCRIBE\n    reads: []\n    accepts: { ${accepts} }\n`)
        .subscriptions[0]?.accepts ?? {},
    );
  });
});

describe("reads the contract does not guarantee (b)", () => {
  it("risk-monitor reads /bid: optional and nullable, each with a message producers may send", () => {
    const reads =
      riskMonitor.channels.find((c) => c.channel === "price.updated.{symbol}")?.unguaranteedReads ?? [];
    expect(reads.map((r) => [r.field, r.rule])).toEqual([
      ["/bid", "optional"],
      ["/bid", "nullable"],
    ]);
    for (const r of reads) expect(catalogue["price.updated.{symbol}"].validateStrict(r.example)).toBe(true);
    expect(riskMonitor.ok).toBe(false);
  });

  it("a field the contract does not have is absent", () => {
    const report = checkConsumer(
      manifest("  - channel: signals.generated\n    using: SUBSCRIBE\n    reads: [/run_id]\n"),
      contract,
    );
    expect(report.channels[0]?.unguaranteedReads).toMatchObject([{ field: "/run_id", rule: "absent" }]);
  });

  it("required, non-null fields are guaranteed: nothing to report", () => {
    expect(riskMonitor.channels.find((c) => c.channel === "positions.updated")?.unguaranteedReads).toEqual(
      [],
    );
  });
});

describe("subscriptions to what does not exist (c)", () => {
  it("tape-recorder: a misspelt channel, with the closest one", () => {
    expect(tapeRecorder.unknown).toMatchObject([
      {
        channel: "prices.updated.{symbol}",
        reason: expect.stringMatching(
          /no channel "prices.updated.\{symbol\}": did you mean price.updated.\{symbol\}\?/,
        ),
      },
    ]);
  });

  it.each([
    ["an address of another channel", "positions.updated", /is not an address of price.updated.\{symbol\}/],
    [
      "a symbol the contract does not allow",
      "price.updated.AA PL",
      /carries a parameter value the contract does not allow/,
    ],
  ])("%s", (_name, address, reason) => {
    const report = checkConsumer(
      manifest(
        `  - channel: price.updated.{symbol}\n    using: SUBSCRIBE\n    addresses: ["${address}"]\n    reads: []\n`,
      ),
      contract,
    );
    expect(report.unknown).toMatchObject([{ address, reason: expect.stringMatching(reason) }]);
    expect(report.ok).toBe(false);
  });

  it("listed addresses the contract allows are fine", () => {
    expect(riskMonitor.unknown).toEqual([]);
  });
});

describe("accepted differences", () => {
  it("an accepted difference that no longer occurs is listed as unused", () => {
    const report = checkConsumer(
      manifest(
        "  - channel: positions.updated\n    using: SUBSCRIBE\n    reads: []\n    accepted: [{ field: /symbol, rule: pattern, why: once }]\n",
      ),
      contract,
    );
    expect(report.unusedAcceptances).toMatchObject([{ field: "/symbol", rule: "pattern" }]);
    expect(report.ok).toBe(true);
  });
});
