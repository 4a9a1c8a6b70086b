// Which `pattern`s let the serializer write a string between quotes without looking at it: only those
// whose every match is printable ASCII without `"` or `\`, anchored at both ends.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { patternNeedsNoEscaping } from "../../scripts/generator/json-safe-pattern.js";

const cases: [name: string, pattern: string, safe: boolean][] = [
  ["the contract's symbol", "^[A-Za-z0-9][A-Za-z0-9./_-]{0,31}$", true],
  ["the contract's decimal", "^-?[0-9]+(\\.[0-9]+)?(E[+-][0-9]+)?$", true],
  ["the contract's price ≥ 0", "^(-0(\\.0+)?(E[+-][0-9]+)?|[0-9]+(\\.[0-9]+)?(E[+-][0-9]+)?)$", true],
  ["\\d and \\w", "^\\d+\\w*$", true],
  ["a non-capturing group", "^(?:ab|cd)+$", true],
  ["not anchored at the start", "[A-Z]+$", false],
  ["not anchored at the end", "^[A-Z]+", false],
  ["an escaped dollar is no anchor", "^[A-Z]+\\$", false],
  ["an alternative outside any group anchors only one side", "^[A-Z]+|[a-z]+$", false],
  ["any character", "^.{1,8}$", false],
  ["a negated class", "^[^a]+$", false],
  ["whitespace", "^\\s+$", false],
  ["a unicode escape", "^\\u0041+$", false],
  ["a literal quote", '^a"b$', false],
  ["an escaped backslash", "^a\\\\b$", false],
  ["a range over the quote", "^[ -~]+$", false],
  ["a range over the backslash", "^[A-z]+$", false],
  ["a range up to an escape", "^[a-\\]]+$", false],
  ["a non-ASCII letter", "^é+$", false],
  ["a lookahead", "^(?=a)a$", false],
  ["an unclosed class", "^[ab$", false],
  ["an unbalanced group", "^(ab$", false],
  ["a class with a tab", "^[\t]$", false],
];

describe("patternNeedsNoEscaping", () => {
  it.each(cases)("%s: %s", (_name, pattern, safe) => {
    expect(patternNeedsNoEscaping(pattern)).toBe(safe);
  });

  it("every match of a pattern it calls safe needs no escaping (fast-check, 2,000 strings per pattern)", () => {
    const safePatterns = cases.filter(([, , safe]) => safe).map(([, pattern]) => pattern);
    for (const pattern of safePatterns) {
      fc.assert(
        fc.property(
          fc.stringMatching(new RegExp(pattern, "u")),
          (text) => JSON.stringify(text) === `"${text}"`,
        ),
        { numRuns: 2_000, seed: 20261129 },
      );
    }
  });
});
