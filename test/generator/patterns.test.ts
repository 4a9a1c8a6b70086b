// The char-code `pattern` checks written into generated/validators.ts accept exactly what the regular
// expressions they replace accept: named fixtures, then over a million generated strings per pattern,
// most of them near misses (one character replaced, dropped or added) of a plausible value.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { patternChecks } from "../../scripts/generator/patterns.js";
import { compareOnNearMisses } from "./near-misses.js";

const TICKER = "^[A-Za-z0-9][A-Za-z0-9./_-]{0,31}$";
const DECIMAL = "^-?[0-9]+(\\.[0-9]+)?(E[+-][0-9]+)?$";
const NON_NEGATIVE_DECIMAL = "^(-0(\\.0+)?(E[+-][0-9]+)?|[0-9]+(\\.[0-9]+)?(E[+-][0-9]+)?)$";

type Check = (value: string) => boolean;

/** What generated/validators.ts runs for the pattern, beside the RegExp Ajv would have run. */
function both(source: string): { generated: Check; reference: Check } {
  const compiled = patternChecks.contractPattern(source, "u");
  const reference = new RegExp(source, "u");
  return { generated: (value) => compiled.test(value), reference: (value) => reference.test(value) };
}

const PATTERNS: Record<string, string> = {
  ticker: TICKER,
  decimal: DECIMAL,
  "non-negative decimal": NON_NEGATIVE_DECIMAL,
};

const fixtures: [pattern: string, name: string, value: string, valid: boolean][] = [
  ["ticker", "plain", "AAPL", true],
  ["ticker", "a share class with a dot", "BRK.B", true],
  ["ticker", "slash, underscore and dash", "EUR/USD_x-1", true],
  ["ticker", "one character", "V", true],
  ["ticker", "32 characters", `A${"b".repeat(31)}`, true],
  ["ticker", "33 characters", `A${"b".repeat(32)}`, false],
  ["ticker", "empty", "", false],
  ["ticker", "a dot first", ".A", false],
  ["ticker", "a glob character", "AA*", false],
  ["ticker", "a space", "A B", false],
  ["ticker", "a trailing newline", "AAPL\n", false],
  ["ticker", "@ and [ next to the letters", "A@[", false],
  ["ticker", "a Kelvin sign (k under case folding)", "\u212a", false],
  ["ticker", "a surrogate pair", "A\ud83d\ude00", false],
  ["decimal", "a price", "150.25", true],
  ["decimal", "negative", "-0.0001", true],
  ["decimal", "an exponent", "1.5E+3", true],
  ["decimal", "a negative exponent", "0E-8", true],
  ["decimal", "leading zeros", "007", true],
  ["decimal", "a lowercase e", "1e5", false],
  ["decimal", "an exponent without sign", "1E5", false],
  ["decimal", "an exponent without digits", "1E+", false],
  ["decimal", "a dot without digits", "1.", false],
  ["decimal", "a leading dot", ".5", false],
  ["decimal", "a plus sign", "+1", false],
  ["decimal", "two minus signs", "--1", false],
  ["decimal", "a minus alone", "-", false],
  ["decimal", "Infinity", "Infinity", false],
  ["decimal", "Arabic-Indic digits", "\u0661\u0662", false],
  ["decimal", "empty", "", false],
  ["non-negative decimal", "a price", "150.255", true],
  ["non-negative decimal", "zero with an exponent", "0E-8", true],
  ["non-negative decimal", "minus zero", "-0", true],
  ["non-negative decimal", "minus zero with zeros and an exponent", "-0.000E+5", true],
  ["non-negative decimal", "a negative price", "-0.01", false],
  ["non-negative decimal", "minus one", "-1", false],
  ["non-negative decimal", "minus zero zero", "-00", false],
  ["non-negative decimal", "minus zero and a dot", "-0.", false],
  ["non-negative decimal", "minus zero and a bad exponent", "-0E5", false],
  ["non-negative decimal", "a lowercase e", "1e-8", false],
  ["non-negative decimal", "empty", "", false],
];

describe("generated pattern checks: fixtures", () => {
  it.each(fixtures)("%s: %s", (pattern, _name, value, valid) => {
    const { generated, reference } = both(PATTERNS[pattern] as string);
    expect(reference(value)).toBe(valid);
    expect(generated(value)).toBe(valid);
  });

  it("a pattern without a char-code check stays a regular expression", () => {
    const compiled = patternChecks.contractPattern("^[a-z]+$", "u");
    expect(compiled).toBeInstanceOf(RegExp);
    expect(compiled.test("abc")).toBe(true);
    expect(compiled.test("ABC")).toBe(false);
  });

  it("every pattern in generated/validators.ts has a char-code check", () => {
    const validators = readFileSync(new URL("../../generated/validators.ts", import.meta.url), "utf8");
    const sources = [
      ...validators.matchAll(/^const pattern\d+ = func\d+\(("(?:[^"\\]|\\.)*"), "u"\);$/gm),
    ].map((match) => JSON.parse(match[1] as string) as string);
    expect(new Set(sources)).toEqual(new Set(Object.values(PATTERNS)));
    for (const source of sources) expect(patternChecks.contractPatternChecks.has(source)).toBe(true);
  });

  it("each compiled pattern names its own source, so that Ajv keeps them apart", () => {
    const names = Object.values(PATTERNS).map((source) => String(patternChecks.contractPattern(source, "u")));
    expect(names).toEqual(Object.values(PATTERNS).map((source) => String(new RegExp(source, "u"))));
  });
});

const alphanumeric = fc.constantFrom(..."ABCXYZabcxyz0189");
const tickerTail = fc.constantFrom(..."ABZabz09./_-");
const ticker = fc
  .record({
    first: alphanumeric,
    rest: fc.array(tickerTail, { minLength: 0, maxLength: 33 }),
  })
  .map(({ first, rest }) => first + rest.join(""));

const digits = (max: number) =>
  fc.array(fc.constantFrom(..."0123456789"), { minLength: 0, maxLength: max }).map((d) => d.join(""));
const decimal = fc
  .record({
    sign: fc.constantFrom("", "", "-", "+"),
    integer: fc.oneof(digits(6), fc.constant("0"), fc.constant("00")),
    fraction: fc.oneof(
      fc.constant(""),
      digits(6).map((d) => `.${d}`),
      fc.constantFrom(".0", ".000"),
    ),
    exponent: fc.oneof(
      fc.constant(""),
      fc
        .record({ e: fc.constantFrom("E", "E", "e"), sign: fc.constantFrom("+", "-", ""), power: digits(3) })
        .map(({ e, sign, power }) => `${e}${sign}${power}`),
    ),
  })
  .map(({ sign, integer, fraction, exponent }) => `${sign}${integer}${fraction}${exponent}`);

/** Characters a near miss puts in: each pattern's own, their neighbours, and look-alikes beyond ASCII. */
const NEAR_MISS_CHARACTERS = "0123456789./_-+Ee@[`{AZaz:,* \n\u0000\u0660\uff10\u212a\ud800\u0130";

const GENERATED_STRINGS = 1_000_000;

describe("generated pattern checks agree with the regular expression over a million generated strings each", () => {
  const cases: [string, fc.Arbitrary<string>, number][] = [
    ["ticker", ticker, 30_000],
    ["decimal", decimal, 28_000],
    ["non-negative decimal", decimal, 28_000],
  ];
  it.each(cases)("%s", (pattern, candidates, runs) => {
    const checks = both(PATTERNS[pattern] as string);
    const { checked, accepted } = compareOnNearMisses(checks, candidates, runs, NEAR_MISS_CHARACTERS);
    expect(checked).toBeGreaterThanOrEqual(GENERATED_STRINGS);
    // Both sides of the boundary are exercised, not only rejections.
    expect(accepted).toBeGreaterThan(checked / 100);
  });
});
