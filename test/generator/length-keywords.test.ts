// minLength/maxLength with the `.length` fast path give exactly Ajv's own verdicts and errors, for
// strings of UTF-16 units, surrogate pairs and lone surrogates around every limit.
import { Ajv } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addLengthKeywords } from "../../scripts/generator/length-keywords.js";

const LIMITS = [0, 1, 2, 3, 5, 8];

function compileBoth(schema: object) {
  const fast = new Ajv({ allErrors: true, strict: true });
  addLengthKeywords(fast);
  const reference = new Ajv({ allErrors: true, strict: true });
  return { fast: fast.compile(schema), reference: reference.compile(schema) };
}

describe("length keywords with a .length fast path", () => {
  const validators = LIMITS.flatMap((min) =>
    LIMITS.filter((max) => max >= min).map((max) => ({
      min,
      max,
      ...compileBoth({ type: "string", minLength: min, maxLength: max }),
    })),
  );

  it("the generated code compares .length before counting code points", () => {
    const ajv = new Ajv({ code: { source: true } });
    addLengthKeywords(ajv);
    const source = ajv.compile({ type: "string", minLength: 2, maxLength: 4 }).source?.validateCode ?? "";
    expect(source).toMatch(/data\.length > 4 && func\d+\(data\) > 4/);
    expect(source).toMatch(/data\.length < 3 && func\d+\(data\) < 2/);
  });

  const cases: [string, string][] = [
    ["empty", ""],
    ["one surrogate pair counts as one character", "\ud83d\ude00"],
    ["four pairs: 8 units, 4 characters", "\ud83d\ude00".repeat(4)],
    ["a lone high surrogate counts as one", "\ud800"],
    ["a lone low surrogate counts as one", "\udc00ab"],
    ["a high surrogate at the end after a pair", "\ud83d\ude00\ud800"],
    ["ASCII at a limit", "abcde"],
  ];
  it.each(cases)("agrees with Ajv: %s", (_name, value) => {
    for (const { min, max, fast, reference } of validators) {
      expect(fast(value), `${min}..${max}`).toBe(reference(value));
      expect(fast.errors ?? null, `${min}..${max}`).toEqual(reference.errors ?? null);
    }
  });

  it("agrees with Ajv on 100,000 generated strings of pairs, lone surrogates and ASCII", () => {
    const unit = fc.constantFrom("a", "\ud83d\ude00", "\ud800", "\udc00", "\ud83d", "é");
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 10 }), (units) => {
        const value = units.join("");
        for (const { fast, reference } of validators) {
          if (fast(value) !== reference(value)) return false;
        }
        return true;
      }),
      { numRuns: Math.ceil(100_000 / validators.length), seed: 20261129 },
    );
  });
});
