// `trading-events validate`, run in-process: exit codes, output and every python-wire case.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pythonWireCases } from "../support/python-wire.js";
import { runInProcess } from "../support/run-cli.js";

const scratch = mkdtempSync(join(tmpdir(), "validate-command-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("trading-events validate", () => {
  it.each(pythonWireCases.map((c) => [c.id, c] as const))(
    "python-wire %s from stdin",
    async (_id, wireCase) => {
      const run = await runInProcess(["validate", wireCase.channel], { stdin: wireCase.wire });
      if (wireCase.expect === "valid") {
        expect(run).toMatchObject({ code: 0, stdout: "valid\n", stderr: "" });
      } else {
        expect(run.code).toBe(1);
        expect(run.stdout).toBe("");
        expect(run.stderr.trim().split("\n").length).toBeGreaterThan(0);
        for (const line of run.stderr.trim().split("\n")) expect(line).toMatch(/^\/\S*: .+/);
      }
    },
  );

  it("reads the message from a file", async () => {
    const file = join(scratch, "signal.json");
    const wire = pythonWireCases.find((c) => c.id === "signal-basic")?.wire ?? "";
    writeFileSync(file, wire);
    expect(await runInProcess(["validate", "signals.generated", file])).toMatchObject({
      code: 0,
      stdout: "valid\n",
    });
  });

  it.each([
    ["an empty message", "", "/: is empty"],
    ["malformed JSON", '{"event_type": ', "/: is not valid JSON [message.not_json]"],
    ["a JSON array", "[]", "/: must be an object [type.mismatch]"],
    [
      "invalid UTF-8",
      Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]),
      "/: is not valid UTF-8 [message.not_utf8]",
    ],
    [
      "a __proto__ key",
      '{"__proto__": {"polluted": true}}',
      "/: has a forbidden __proto__ or constructor.prototype key [message.forbidden_key]",
    ],
  ])("%s exits 1 with the reason", async (_name, stdin, reason) => {
    const run = await runInProcess(["validate", "signals.generated"], { stdin });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(reason);
  });

  it("prints one line per reason, each with its JSON pointer", async () => {
    const run = await runInProcess(["validate", "orders.executed"], {
      stdin: '{"event_type":"orders.executed","num_orders":-1}',
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n").sort()).toEqual([
      "/num_accepted: is required [field.missing]",
      "/num_orders: must be 0 or more [integer.too_small]",
      "/num_rejected: is required [field.missing]",
      "/run_id: is required [field.missing]",
      "/strategy_id: is required [field.missing]",
      "/timestamp: is required [field.missing]",
    ]);
  });

  it("prints a sentence and a code, not the raw pattern, for a negative price (the issue's example)", async () => {
    const wire = pythonWireCases.find((c) => c.id === "price-basic")?.wire ?? "";
    const negative = wire.replace('"price":"150.255"', '"price":"-1"');
    expect(negative).not.toBe(wire);
    const run = await runInProcess(["validate", "price.updated.AAPL"], { stdin: negative });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe("/price: must be zero or more [decimal.negative]");
  });

  it("resolves a concrete price address and checks its symbol against the payload", async () => {
    const wire = pythonWireCases.find((c) => c.id === "price-dotted-symbol")?.wire ?? "";
    expect((await runInProcess(["validate", "price.updated.BRK.B"], { stdin: wire })).code).toBe(0);
    const mismatch = await runInProcess(["validate", "price.updated.BRK.A"], { stdin: wire });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('/symbol: must equal the channel\'s symbol "BRK.A", not "BRK.B"');
    // The channel name itself checks the payload without a symbol to compare.
    expect((await runInProcess(["validate", "price.updated.{symbol}"], { stdin: wire })).code).toBe(0);
  });

  it("accepts unknown fields by default and refuses them with --strict", async () => {
    const wire = pythonWireCases.find((c) => c.id === "price-future-field")?.wire ?? "";
    expect((await runInProcess(["validate", "price.updated.AAPL"], { stdin: wire })).code).toBe(0);
    const strict = await runInProcess(["validate", "--strict", "price.updated.AAPL"], { stdin: wire });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("/conditions: is not a field of the contract");
  });

  it.each([
    [
      "an unknown channel",
      ["validate", "orders.cancelled"],
      /unknown channel "orders.cancelled" \(channels: /,
    ],
    [
      "a misspelled channel",
      ["validate", "ordres.executed"],
      /unknown channel "ordres.executed": did you mean orders\.executed\?/,
    ],
    ["a glob in the symbol", ["validate", "price.updated.AA*"], /unknown channel "price.updated.AA\*"/],
    ["no channel", ["validate"], /needs a channel address/],
    ["an unknown option", ["validate", "--lenient", "signals.generated"], /--lenient/],
    ["an unreadable file", ["validate", "signals.generated", "/nonexistent/file.json"], /cannot read/],
    ["an unknown command", ["frobnicate"], /unknown command "frobnicate"/],
  ])("%s is a usage error (exit 2)", async (_name, args, message) => {
    const run = await runInProcess(args, { stdin: "{}" });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
  });

  it("prints its help", async () => {
    const run = await runInProcess(["validate", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: trading-events validate <channel-address>");
  });
});
