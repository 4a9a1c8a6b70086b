// fast-check arbitraries of payloads the strict contract accepts, built from each channel's JSON Schema,
// with free text that needs escaping: quotes, backslashes, control characters, U+2028, astral
// characters and lone surrogates.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { type ChannelName, channels } from "../../generated/index.js";

type Schema = { [keyword: string]: unknown };

/** The exported JSON Schema of a channel's message (generated/schemas/<Message>.schema.json). */
function messageSchema(channel: ChannelName): Schema {
  const file = new URL(
    `../../generated/schemas/${channels[channel].messageName}.schema.json`,
    import.meta.url,
  );
  return JSON.parse(readFileSync(file, "utf8")) as Schema;
}

const TRICKY_UNITS = [
  '"',
  "\\",
  "\n",
  "\u0000",
  "\u001f",
  "\u007f",
  "\u2028",
  "é",
  "😀",
  "\ud800",
  "\udc00",
  "a",
  "Z",
];

/** Text with any code unit, and often the ones JSON must escape (or JSON.stringify escapes). */
const freeTextUnit = fc.oneof(
  fc.constantFrom(...TRICKY_UNITS),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
);

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  if (typeof schema.const === "string") return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.format === "date-time") {
    return fc.oneof(
      fc
        .date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true })
        .map((d) => d.toISOString()),
      fc.constantFrom("2025-01-18T09:30:00.123456-05:00", "2016-12-31T23:59:60Z", "2025-01-18t09:00:00z"),
    );
  }
  if (schema.format === "date") {
    return fc
      .date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  }
  if (schema.format === "uuid")
    return fc.oneof(
      fc.uuid(),
      fc.uuid().map((u) => u.toUpperCase()),
    );
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = Math.min((schema.maxLength as number | undefined) ?? 40, 40);
  if (typeof schema.pattern === "string") {
    return fc
      .stringMatching(new RegExp(schema.pattern as string, "u"))
      .filter((s) => s.length >= minLength && s.length <= maxLength);
  }
  return fc.string({ unit: freeTextUnit, minLength: Math.max(minLength, 0), maxLength });
}

function valueArbitrary(schema: Schema): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.type) && schema.type.includes("null")) {
    const type = schema.type.find((t) => t !== "null");
    return fc.option(valueArbitrary({ ...schema, type }), { nil: null });
  }
  for (const key of ["oneOf", "anyOf"]) {
    const options = schema[key] as Schema[] | undefined;
    if (Array.isArray(options)) {
      const { [key]: _, ...rest } = schema;
      return fc.oneof(...options.map((option) => valueArbitrary({ ...rest, ...option })));
    }
  }
  switch (schema.type) {
    case "string":
      return stringArbitrary(schema);
    case "integer":
      return fc.integer({
        min: Math.max(
          (schema.minimum as number | undefined) ?? Number.MIN_SAFE_INTEGER,
          Number.MIN_SAFE_INTEGER,
        ),
        max: Math.min(
          (schema.maximum as number | undefined) ?? Number.MAX_SAFE_INTEGER,
          Number.MAX_SAFE_INTEGER,
        ),
      });
    case "number":
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        min: (schema.minimum as number | undefined) ?? -1e300,
      });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(valueArbitrary(schema.items as Schema), {
        minLength: (schema.minItems as number | undefined) ?? 0,
        maxLength: Math.min((schema.maxItems as number | undefined) ?? 5, 5),
      });
    default:
      throw new Error(`no arbitrary for the schema ${JSON.stringify(schema)}`);
  }
}

/** Payloads of the channel, optional fields present or not, keys in the spec's order. */
export function validPayloadArbitrary(channel: ChannelName): fc.Arbitrary<Record<string, unknown>> {
  const schema = messageSchema(channel);
  const properties = schema.properties as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  const fields = Object.fromEntries(
    Object.entries(properties).map(([name, field]) => [name, valueArbitrary(field)]),
  );
  return fc.record(fields, { requiredKeys: required }).map((payload) => inSpecOrder(channel, payload));
}

/** The same fields with the keys in the order the spec lists them (what the serializer writes). */
export function inSpecOrder(channel: ChannelName, payload: Record<string, unknown>): Record<string, unknown> {
  const schema = messageSchema(channel);
  const ordered: Record<string, unknown> = {};
  for (const name of Object.keys(schema.properties as Schema))
    if (payload[name] !== undefined) ordered[name] = payload[name];
  return ordered;
}
