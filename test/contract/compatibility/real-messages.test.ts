// The rules checked against real messages: the python-wire fixtures and the specs' examples, run
// through validators compiled from both contracts, catch what the rules alone misjudge.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatChecks } from "../../../scripts/generator/formats.js";
import {
  compareContracts,
  parseSpecDocument,
  parseWitnessLines,
  readSpec,
} from "../../../src/contract/compatibility/index.js";
import { rfc3339DateTime } from "../../../src/contract/compatibility/rfc3339.js";
import { baseDoc, edited, fieldOf, toSpec } from "./spec-fragments.js";

const root = resolve(import.meta.dirname, "../../..");
const fixturesPath = resolve(root, "test/fixtures/python-wire/cases.jsonl");
const fixtures = parseWitnessLines(readFileSync(fixturesPath, "utf8"), "python-wire");
const specText = readFileSync(resolve(root, "asyncapi.yaml"), "utf8");

/** The working spec with one more optional field on the price message. */
function withPriceField(field: string): string {
  const anchor = '        event_id:\n          $ref: "#/components/schemas/EventId"\n\n    PositionAction:';
  expect(specText).toContain(anchor);
  return specText.replace(anchor, `        ${field}\n${anchor}`);
}

describe("the real-message check", () => {
  it("the quote-field release (0.1.0 → 1.0.0) is compatible by the rules and by every real message", () => {
    const report = compareContracts(readSpec("0.1.0"), readSpec("1.0.0"), { messages: fixtures });
    expect(report.breaking).toBe(false);
    const added = report.findings.filter((f) => f.kind === "field-added-nullable").map((f) => f.field);
    expect(added.sort()).toEqual(
      ["/ask", "/ask_price", "/ask_size", "/bid", "/bid_price", "/bid_size", "/exchange", "/volume"].sort(),
    );
    expect(report.findings.filter((f) => f.kind === "message-rejected")).toEqual([]);
  });

  it("catches an optional field that real producers already send in another shape (the rules call it compatible)", () => {
    // price-future-field carries "conditions": ["R"], a field no contract defined, which consumers accepted.
    const changed = parseSpecDocument(
      withPriceField("conditions:\n          type: string"),
      "conditions.yaml",
    );
    const rulesOnly = compareContracts(readSpec("1.0.0"), changed);
    expect(rulesOnly.findings.find((f) => f.field === "/conditions")).toMatchObject({
      kind: "field-added-optional",
      breaks: [],
    });
    expect(rulesOnly.breaking).toBe(false);

    const withMessages = compareContracts(readSpec("1.0.0"), changed, { messages: fixtures });
    expect(withMessages.breaking).toBe(true);
    const rejected = withMessages.findings.filter((f) => f.kind === "message-rejected");
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ breaks: ["forward"], channel: "price.updated.{symbol}" });
    expect(rejected[0]?.reason).toContain("price-future-field");
    expect(rejected[0]?.reason).toContain("/conditions must be string");
  });

  it("the same field typed as the producers send it passes", () => {
    const changed = parseSpecDocument(
      withPriceField("conditions:\n          type: array\n          items:\n            type: string"),
      "conditions.yaml",
    );
    expect(compareContracts(readSpec("1.0.0"), changed, { messages: fixtures }).breaking).toBe(false);
  });

  it("an example the new producers may send and old consumers refuse is breaking backward", () => {
    // The rule sees a widened type (breaking backward); the example shows it with a real value.
    const after = edited((d) => {
      fieldOf(d, "size").type = "number";
      d.components.messages.TradeEvent.examples.push({
        name: "fractional",
        payload: { venue: "X", id: "T2", size: 2.5 },
      });
    });
    const report = compareContracts(toSpec(baseDoc(), "old.yaml"), toSpec(after, "new.yaml"));
    const rejected = report.findings.find((f) => f.kind === "message-rejected");
    expect(rejected).toMatchObject({ breaks: ["backward"] });
    expect(rejected?.reason).toContain("fractional");
  });

  it("counter-examples (fixtures expected invalid) are not traffic: dropping them is no break", () => {
    const invalid = fixtures.filter((f) => !f.inCirculation).map((f) => f.label);
    expect(invalid).toContain("python-wire price-bid-not-decimal");
  });
});

describe("the checker's date-time format", () => {
  it("judges every string as the generated validators do", () => {
    const samples = [
      "2025-01-18T09:00:00Z",
      "2025-01-18T14:30:05.123456+00:00",
      "2025-01-18T09:00:00",
      "2025-01-18 09:00:00Z",
      "2025-01-18T09:00:00+0500",
      "2024-02-29T23:59:60Z",
      "2025-02-29T00:00:00Z",
      "2025-01-18t09:00:00z",
    ];
    for (const sample of samples)
      expect(rfc3339DateTime(sample), sample).toBe(formatChecks.isRfc3339DateTime(sample));
    const digits = (n: number) =>
      fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, "0"));
    const stamp = fc
      .tuple(
        digits(4),
        digits(2),
        digits(2),
        fc.constantFrom("T", "t", " "),
        digits(2),
        digits(2),
        digits(2),
        fc.constantFrom("", ".5", ".123456"),
        fc.constantFrom("Z", "z", "+00:00", "-05:30", "+24:00", "+0500", ""),
      )
      .map(([y, mo, d, t, h, mi, s, frac, zone]) => `${y}-${mo}-${d}${t}${h}:${mi}:${s}${frac}${zone}`);
    fc.assert(
      fc.property(
        fc.oneof(stamp, fc.string()),
        (value) => rfc3339DateTime(value) === formatChecks.isRfc3339DateTime(value),
      ),
    );
  });
});
