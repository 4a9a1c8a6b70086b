// The receive path's JSON parse: one scan instead of secure-json-parse's two for texts that cannot hold a
// forbidden key, and secure-json-parse's verdict, value and error for every text.
import fc from "fast-check";
import secureJson from "secure-json-parse";
import { describe, expect, it } from "vitest";
import { isForbiddenKeyError, parseJsonRefusingPrototypeKeys } from "../../src/contract/parse-json.js";

type Outcome = { value: unknown } | { error: string };

function outcome(parse: (text: string) => unknown, text: string): Outcome {
  try {
    return { value: parse(text) };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

const secure = (text: string) =>
  secureJson.parse(text, undefined, { protoAction: "error", constructorAction: "error" });

function expectSameAsSecureJsonParse(text: string): void {
  expect(outcome(parseJsonRefusingPrototypeKeys, text)).toEqual(outcome(secure, text));
}

/** The two key names, each character either literal or as a `\u` escape of either case. */
function spelled(name: string): fc.Arbitrary<string> {
  return fc
    .tuple(
      ...[...name].map((char) =>
        fc.constantFrom(
          char,
          `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
          `\\u${char.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}`,
        ),
      ),
    )
    .map((chars) => chars.join(""));
}

describe("parseJsonRefusingPrototypeKeys", () => {
  it.each([
    ["a plain object", '{"symbol":"AAPL","price":"1.5"}'],
    ["a __proto__ key", '{"a":1,"__proto__":{"polluted":1}}'],
    ["a __proto__ key spelled with an escape", '{"__pr\\u006fto__":{"polluted":1}}'],
    ["a __proto__ key escaped in upper case", '{"\\u005F_proto__":{"polluted":1}}'],
    ["a nested __proto__ key", '{"a":{"b":[{"__proto__":null}]}}'],
    ["constructor.prototype", '{"constructor":{"prototype":{"polluted":1}}}'],
    ["constructor.prototype spelled with escapes", '{"\\u0063onstructor":{"prototype":{"polluted":1}}}'],
    ["a constructor key without prototype", '{"constructor":"x"}'],
    ["__proto__ as a value, not a key", '{"note":"__proto__"}'],
    ["an escape that spells nothing forbidden", '{"name":"caf\\u00e9"}'],
    ["a byte-order mark", '\uFEFF{"a":1}'],
    ["a byte-order mark before a forbidden key", '\uFEFF{"__proto__":{}}'],
    ["only a byte-order mark", "\uFEFF"],
    ["an empty text", ""],
    ["whitespace", " \n\t "],
    ["text that is not JSON", "{"],
    ["a number", "42"],
    ["null", "null"],
    ["an array", '[1,"constructor"]'],
  ])("%s: what secure-json-parse gives", (_name, text) => {
    expectSameAsSecureJsonParse(text);
  });

  it("refuses an escaped __proto__ key that JSON.parse alone would accept", () => {
    const text = '{"__pr\\u006fto__":{"polluted":1}}';
    expect(() => JSON.parse(text)).not.toThrow();
    expect(() => parseJsonRefusingPrototypeKeys(text)).toThrow(SyntaxError);
  });

  it("agrees with secure-json-parse on any JSON value (fast-check)", () => {
    fc.assert(
      fc.property(fc.json(), (text) => expectSameAsSecureJsonParse(text)),
      { numRuns: 2_000 },
    );
  });

  it("agrees with secure-json-parse on objects with the forbidden names, literal or escaped (fast-check)", () => {
    const key = fc.oneof(spelled("__proto__"), spelled("constructor"), fc.constantFrom("a", "prototype"));
    const member = fc
      .tuple(key, fc.oneof(fc.json(), fc.constant('{"prototype":{"x":1}}')))
      .map(([k, v]) => `"${k}":${v}`);
    const object = fc.array(member, { maxLength: 4 }).map((members) => `{${members.join(",")}}`);
    const text = fc.oneof(
      object,
      object.map((o) => `{"nested":[${o}]}`),
    );
    fc.assert(
      fc.property(text, (t) => expectSameAsSecureJsonParse(t)),
      { numRuns: 2_000 },
    );
  });

  it("agrees with secure-json-parse on arbitrary text (fast-check)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => expectSameAsSecureJsonParse(text)),
      {
        numRuns: 2_000,
      },
    );
  });
});

describe("isForbiddenKeyError", () => {
  it("tells the forbidden-key error from a syntax error and from anything else", () => {
    expect(isForbiddenKeyError(outcomeError('{"__proto__":{}}'))).toBe(true);
    expect(isForbiddenKeyError(outcomeError('{"constructor":{"prototype":{}}}'))).toBe(true);
    expect(isForbiddenKeyError(outcomeError("{"))).toBe(false);
    expect(isForbiddenKeyError(new TypeError("prototype"))).toBe(false);
  });

  it("is false for text that is not JSON and says prototype (JSON.parse quotes the text in its message)", () => {
    for (const text of ["prototype", '{"a": prototype}', "Object contains forbidden prototype property"]) {
      expect(isForbiddenKeyError(outcomeError(text))).toBe(false);
    }
  });
});

function outcomeError(text: string): unknown {
  try {
    parseJsonRefusingPrototypeKeys(text);
  } catch (error) {
    return error;
  }
  throw new Error(`${text} parsed`);
}
