// `trading-events diff`: exit codes, the readable report, --json and --markdown. Run in process
// through runCli (one real process at the end proves the executable wires it up).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runInProcess, runTradingEvents } from "../support/run-cli.js";

const root = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "diff-command-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const fixtures = join(root, "test/fixtures/python-wire/cases.jsonl");
const spec = join(root, "asyncapi.yaml");

/** A copy of the working spec without the price message's `exchange` field: a breaking change. */
const withoutExchange = join(scratch, "without-exchange.yaml");
writeFileSync(
  withoutExchange,
  readFileSync(spec, "utf8").replace(
    / {8}exchange:\n {10}type: \[string, "null"\]\n {10}maxLength: 32\n {10}description: .*\n/,
    "",
  ),
);

async function diff(...args: string[]) {
  const run = await runInProcess(["diff", ...args]);
  // Lines without their final newline, so that a report reads as it does on a terminal.
  return { code: run.code, stdout: run.stdout.replace(/\n$/, ""), stderr: run.stderr.replace(/\n$/, "") };
}

describe("trading-events diff", () => {
  it("released versions by name: 0.1.0 → 1.0.0 is compatible (exit 0)", async () => {
    const run = await diff("0.1.0", "1.0.0", "--messages", fixtures);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^0\.1\.0 \(released 0\.1\.0\) → 1\.0\.0 \(released 1\.0\.0\): compatible, \d+ changes, 0 breaking/,
    );
    expect(run.stdout).toContain(
      "compatible  field-added-nullable  price.updated.{symbol} /bid\n  at new#/components/schemas/PriceUpdateEvent/properties/bid",
    );
  });

  it("a file and a version: a removed field is breaking (exit 1), with whom it breaks", async () => {
    const run = await diff("1.0.0", withoutExchange);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("BREAKING");
    expect(run.stdout).toContain("BREAKS backward  field-removed  price.updated.{symbol} /exchange");
    expect(run.stdout).toContain("breaks: consumers of price.updated.{symbol} built on the old contract");
  });

  it("--json: the whole report, machine-readable", async () => {
    const run = await diff(spec, withoutExchange, "--json");
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      breaking: true,
      changed: true,
      old: { source: spec },
      new: { source: withoutExchange },
    });
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        kind: "field-removed",
        field: "/exchange",
        breaks: ["backward"],
        spec: "old",
      }),
    );
  });

  it("--markdown: one CHANGELOG line per change", async () => {
    const run = await diff("0.1.0", "1.0.0", "--markdown");
    expect(run.code).toBe(0);
    for (const line of run.stdout.split("\n")) expect(line).toMatch(/^- `[^`]+`/);
    expect(run.stdout).toContain("- `price.updated.{symbol}` `/volume`: field-added-nullable, compatible.");
  });

  it("the same contract twice is unchanged (exit 0)", async () => {
    expect(await diff("1.0.0", "1.0.0")).toMatchObject({
      code: 0,
      stdout: "1.0.0 (released 1.0.0) → 1.0.0 (released 1.0.0): unchanged",
    });
  });

  it.each([
    ["no contracts", [], /needs two contracts/],
    ["one contract", ["1.0.0"], /needs two contracts/],
    ["three contracts", ["0.1.0", "1.0.0", "extra"], /unexpected arguments: extra/],
    [
      "an unknown released version",
      ["0.1.0", "9.9.9"],
      /9\.9\.9: is not a released version \(released: 0\.1\.0, 1\.0\.0/,
    ],
    ["an unreadable file", ["0.1.0", "/nonexistent/spec.yaml"], /cannot be read/],
    ["a file that is not YAML", ["0.1.0", fixtures], /is not valid YAML|not an AsyncAPI document|asyncapi/],
    ["an unknown option", ["0.1.0", "1.0.0", "--strict"], /--strict/],
    ["--json with --markdown", ["0.1.0", "1.0.0", "--json", "--markdown"], /exclude each other/],
    ["an unreadable messages file", ["0.1.0", "1.0.0", "--messages", "/nonexistent.jsonl"], /cannot be read/],
  ])("%s is a usage error (exit 2)", async (_name, args, message) => {
    const run = await diff(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
  });

  it("prints its help", async () => {
    const run = await diff("--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: trading-events diff <old> <new>");
  });

  it("runs as the real executable", async () => {
    const run = await runTradingEvents(["diff", "1.0.0", withoutExchange]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("field-removed");
  });
});
