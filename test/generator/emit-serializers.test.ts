// The serializer template for schema shapes the contract does not use yet: nullable fields (both
// spellings), optional fields first, booleans, numbers, arrays of free text and a nested object.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { emitSerializers } from "../../scripts/generator/emit-serializers.js";
import type { ContractChannel, ContractModel } from "../../scripts/generator/load-spec.js";

const payloadSchema = {
  type: "object",
  required: ["kind", "bid", "bid_size", "flag", "nothing"],
  additionalProperties: false,
  properties: {
    note: { type: "string" },
    kind: { type: "string", const: "quote" },
    bid: { type: ["string", "null"], pattern: "^[0-9]+(\\.[0-9]+)?$" },
    bid_size: { oneOf: [{ type: "integer", minimum: 0 }, { type: "null" }] },
    exchange: { anyOf: [{ type: "null" }, { type: "string", maxLength: 16 }] },
    flag: { type: "boolean" },
    ratio: { type: "number" },
    tags: { type: "array", items: { type: "string" } },
    nested: { type: "object", properties: { a: { type: "string" } } },
    nothing: { type: "null" },
    event_id: { type: "string", format: "uuid" },
  },
};

type Serializer = (payload: unknown, eventId?: string) => string;

function compiledSerializer(messageName: string, schema: object): Serializer {
  const channel = { messageName, payloadSchema: schema } as unknown as ContractChannel;
  const model = { version: "0.0.0", channels: [channel] } as unknown as ContractModel;
  const source = emitSerializers(model).contents.replace(/^import type .*$/m, "");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const body = outputText.replace(/^export /gm, "").replace(/^"use strict";/m, "");
  return new Function(`${body}\nreturn serialize${messageName};`)() as Serializer;
}

const serialize = compiledSerializer("Quote", payloadSchema);
const base = { kind: "quote", bid: "1.5", bid_size: 10, flag: true, nothing: null };

const cases: [name: string, payload: Record<string, unknown>][] = [
  ["only the required fields", base],
  ["nullable fields null (type: [string, null] and oneOf)", { ...base, bid: null, bid_size: null }],
  ["an optional field first, present", { note: 'say "hi"\n', ...base }],
  ["anyOf with null first: a string", { ...base, exchange: "X\\Y" }],
  ["anyOf with null first: null", { ...base, exchange: null }],
  ["false, a fraction, a negative zero", { ...base, flag: false, ratio: -0 }],
  ["a number with an exponent", { ...base, ratio: 1.5e-9 }],
  ["an array of free text, empty and not", { ...base, tags: ["a\u0000", "\ud800", ""] }],
  ["an empty array", { ...base, tags: [] }],
  ["a nested object, written by JSON.stringify", { ...base, nested: { a: "x" } }],
];

describe("emitted serializer for other schema shapes", () => {
  it.each(cases)("%s", (_name, payload) => {
    const ordered = Object.fromEntries(
      Object.keys(payloadSchema.properties)
        .filter((key) => payload[key] !== undefined)
        .map((key) => [key, payload[key]]),
    );
    expect(serialize(payload)).toBe(JSON.stringify(ordered));
  });

  it("writes the given event id after the other fields when the payload has none", () => {
    expect(serialize(base, "e")).toBe(JSON.stringify({ ...base, event_id: "e" }));
  });

  it("writes {} or the fields present when every field is optional", () => {
    const serializeLoose = compiledSerializer("Loose", {
      type: "object",
      properties: { a: { type: "string" }, b: { type: "integer" } },
    });
    expect(serializeLoose({})).toBe("{}");
    expect(serializeLoose({ b: 2 })).toBe('{"b":2}');
    expect(serializeLoose({ a: "x", b: 2 })).toBe('{"a":"x","b":2}');
  });
});
