// `trading-events consumers`, and the consumers that `diff` names: exit codes, the report, --json,
// and every usage error. In process through runCli.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runInProcess } from "../support/run-cli.js";

const root = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "consumers-command-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const spec = join(root, "asyncapi.yaml");
const specText = readFileSync(spec, "utf8");
const fixtures = join(root, "test/consumers/manifests");

function edited(name: string, edit: (text: string) => string): string {
  const path = join(scratch, `${name}.yaml`);
  const text = edit(specText);
  if (text === specText) throw new Error(`the edit ${name} changed nothing`);
  writeFileSync(path, text);
  return path;
}
const withoutPrice = edited("without-price", (t) =>
  t
    .replace(
      / {8}price:\n {10}type: string\n {10}maxLength: 64\n {10}pattern: '\^\(-0.*\n {10}description: The mid price.*\n/,
      "",
    )
    .replace("required: [event_type, symbol, price, timestamp]", "required: [event_type, symbol, timestamp]"),
);
const longerStrategy = edited("longer-strategy", (t) =>
  t.replace(
    "maxLength: 256\n          description: The strategy that generated the signals.",
    "maxLength: 300\n          description: The strategy that generated the signals.",
  ),
);
const nullablePrice = edited("nullable-price", (t) =>
  t.replace(
    /( {8}price:\n {10}type: )string(\n {10}maxLength: 64\n {10}pattern: '\^\(-0)/,
    '$1[string, "null"]$2',
  ),
);

/** A directory with one malformed manifest: `using` on line 4, column 12. */
const bad = join(scratch, "bad");
mkdirSync(bad);
writeFileSync(
  join(bad, "desk.yaml"),
  "consumer: desk\nsubscriptions:\n  - channel: orders.executed\n    using: sometimes\n    reads: []\n",
);

const strip = (text: string) => text.replace(/\n$/, "");
async function run(...args: string[]) {
  const r = await runInProcess(args);
  return { code: r.code, stdout: strip(r.stdout), stderr: strip(r.stderr) };
}

describe("trading-events consumers", () => {
  it("the package's manifests: web-console's three accepted differences, each with a message (exit 0)", async () => {
    const r = await run("consumers");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^web-console \(.*contracts\/consumers\/web-console\.yaml\): ok, 0 open, 3 accepted, 0 unknown/,
    );
    expect(r.stdout).toContain("accepted  /price not:");
    expect(r.stdout).toMatch(/rejected by web-console: price\.updated\.AAPL \{.*"price":"0"/);
    expect(r.stdout).toMatch(/rejected by web-console: price\.updated\.[A-Z]+\/[A-Z]+ /);
    expect(r.stdout).toContain("1 consumer: every difference is accepted");
  });

  it("differences not accepted and an unknown channel: exit 1, each named", async () => {
    const r = await run("consumers", "--consumers", fixtures);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("risk-monitor (");
    expect(r.stdout).toContain("READS     /bid optional: /bid is optional in the contract");
    expect(r.stdout).toContain("REJECTS   /exchange type:");
    expect(r.stdout).toMatch(
      /UNKNOWN {3}prices\.updated\.\{symbol\} \(.*tape-recorder\.yaml:11\): .*did you mean price\.updated\.\{symbol\}\?/,
    );
    expect(r.stdout).toContain("2 consumers: 2 with differences not accepted");
  });

  it("--json: one report per consumer", async () => {
    const r = await run("consumers", "--json");
    expect(JSON.parse(r.stdout)).toMatchObject([
      {
        consumer: "web-console",
        ok: true,
        channels: [{ channel: "price.updated.{symbol}", rejections: [{}, {}, {}] }],
      },
    ]);
  });

  it("--contract: a released version by name", async () => {
    const r = await run("consumers", "--contract", "0.1.0");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("3 accepted");
  });

  it.each([
    ["an unexpected argument", ["consumers", "web-console"], /unexpected arguments: web-console/],
    ["an unknown option", ["consumers", "--jsn"], /Unknown option '--jsn'/],
    [
      "a missing directory",
      ["consumers", "--consumers", join(scratch, "none")],
      /none:1:1: no such directory/,
    ],
    [
      "a malformed manifest, with file:line:column",
      ["consumers", "--consumers", bad],
      /desk\.yaml:4:12: \/subscriptions\/0\/using: must be one of/,
    ],
    [
      "an unknown released version",
      ["consumers", "--contract", "9.9.9"],
      /9\.9\.9: is not a released version/,
    ],
  ])("usage error (exit 2): %s", async (_name, args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("--help names the exit codes", async () => {
    const r = await run("consumers", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Exit 0 when every difference is accepted, 1 when one is not");
  });
});

describe("trading-events diff names the consumers a breaking change breaks", () => {
  it("removing price from price updates names web-console, and its read is NEW (exit 1)", async () => {
    const r = await run("diff", spec, withoutPrice);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /BREAKS backward {2}field-removed {2}price\.updated\.\{symbol\} \/price\n(.*\n){3} {2}consumers: web-console/,
    );
    expect(r.stdout).toContain("NEW  web-console  price.updated.{symbol} /price absent");
  });

  it("a change to signals.generated breaks no declared consumer", async () => {
    const r = await run("diff", spec, longerStrategy);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /maxLength-loosened {2}signals\.generated \/strategy_id\n(.*\n){3} {2}consumers: no declared consumer/,
    );
    expect(r.stdout).toContain(
      "declared consumers: no new difference with the contract\n  3 known differences unchanged",
    );
  });

  it("an optional field removed breaks only consumers that read it: /exchange names nobody, risk-monitor's /bid names it", async () => {
    const withoutQuote = edited("without-quote", (t) =>
      t
        .replace(
          / {8}exchange:\n {10}type: \[string, "null"\]\n {10}maxLength: 32\n {10}description: .*\n/,
          "",
        )
        .replace(/ {8}bid:\n(?: {10}.*\n)+/, ""),
    );
    const r = await run(
      "diff",
      spec,
      withoutQuote,
      "--consumers",
      join(root, "contracts/consumers"),
      "--json",
    );
    const findings = JSON.parse(r.stdout).findings as { field?: string; kind: string; consumers: string[] }[];
    expect(findings.find((f) => f.field === "/exchange" && f.kind === "field-removed")?.consumers).toEqual(
      [],
    );
    const withRisk = await run("diff", spec, withoutQuote, "--consumers", fixtures, "--json");
    const named = JSON.parse(withRisk.stdout).findings as {
      field?: string;
      kind: string;
      consumers: string[];
    }[];
    expect(named.find((f) => f.field === "/bid" && f.kind === "field-removed")?.consumers).toEqual([
      "risk-monitor",
    ]);
    expect(named.find((f) => f.field === "/exchange" && f.kind === "field-removed")?.consumers).toEqual([
      "tape-recorder",
    ]);
  });

  it("--json: each finding with its consumers, and the consumers' differences", async () => {
    const r = await run("diff", spec, nullablePrice, "--json");
    const report = JSON.parse(r.stdout);
    expect(report.findings.find((f: { kind: string }) => f.kind === "nullability-added")).toMatchObject({
      consumers: ["web-console"],
    });
    expect(report.consumerDifferences).toContainEqual(
      expect.objectContaining({
        consumer: "web-console",
        kind: "reads",
        field: "/price",
        rule: "nullable",
        isNew: true,
      }),
    );
    expect(report.breaksConsumers).toBe(true);
  });

  it("a malformed manifest is a usage error (exit 2) with file:line:column", async () => {
    const r = await run("diff", spec, spec, "--consumers", bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/desk\.yaml:4:12: /);
  });
});
