// additionalProperties with the known names compared in the generated code gives exactly Ajv's own
// verdicts and errors, in Ajv's order, for closed objects above and below Ajv's eight-name threshold,
// and leaves every other use of the keyword to Ajv.
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { addClosedObjectKeyword } from "../../scripts/generator/closed-objects.js";

const names = (count: number) => Array.from({ length: count }, (_, i) => `field_${i}`);

function closedSchema(count: number): object {
  return {
    type: "object",
    required: ["field_0"],
    properties: Object.fromEntries(names(count).map((name) => [name, { type: "integer" }])),
    additionalProperties: false,
  };
}

function compileBoth(schema: object, allErrors: boolean) {
  const fast = new Ajv({ allErrors, strict: true, code: { source: true } });
  addClosedObjectKeyword(fast);
  const reference = new Ajv({ allErrors, strict: true });
  return { fast: fast.compile(schema), reference: reference.compile(schema) };
}

const payloads: [string, Record<string, unknown>][] = [
  ["only known fields", { field_0: 1, field_3: 2 }],
  ["one unknown field", { field_0: 1, extra: 2 }],
  ["two unknown fields and a wrong type", { extra: 1, field_1: "x", other: 2 }],
  ["a name of Object.prototype", { field_0: 1, constructor: 1, toString: 2 }],
  ["__proto__ as an own field", JSON.parse('{"field_0": 1, "__proto__": 1}')],
  ["the required field missing", { field_2: 1 }],
  ["empty", {}],
];

describe("closed objects compare field names", () => {
  for (const count of [3, 9, 13]) {
    for (const allErrors of [true, false]) {
      const { fast, reference } = compileBoth(closedSchema(count), allErrors);
      it.each(payloads)(`${count} names, allErrors ${allErrors}: %s`, (_name, payload) => {
        expect(fast(payload)).toBe(reference(payload));
        expect(fast.errors ?? null).toEqual(reference.errors ?? null);
      });
    }
  }

  it("the generated code compares names instead of calling hasOwnProperty", () => {
    const { fast } = compileBoth(closedSchema(13), true);
    const source = fast.source?.validateCode ?? "";
    expect(source).toMatch(/key0 === "field_12"/);
    expect(source).not.toMatch(/hasOwnProperty|\.call\(/);
  });

  it("an additionalProperties schema stays Ajv's", () => {
    const schema = {
      type: "object",
      properties: Object.fromEntries(names(9).map((name) => [name, { type: "integer" }])),
      additionalProperties: { type: "string" },
    };
    const { fast, reference } = compileBoth(schema, true);
    for (const payload of [
      { field_0: 1, extra: "x" },
      { field_0: 1, extra: 2 },
    ]) {
      expect(fast(payload)).toBe(reference(payload));
      expect(fast.errors ?? null).toEqual(reference.errors ?? null);
    }
  });
});
