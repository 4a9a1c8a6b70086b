// Maps a payload field's JSON Schema to a Pydantic v2 annotation with every constraint of the spec. A
// keyword this mapping does not know is a SpecError: the Python models never drop a constraint silently.
import { type JsonSchema, SpecError } from "./contract-model.js";
import { patternCodes, typeWords } from "./violation-codes.js";

export interface PythonField {
  name: string;
  annotation: string;
  /** The right-hand side: `Field(...)` with the description and, for optional fields, the default. */
  assignment: string;
}

/**
 * Fields the services' hand-written models hold as `str` where the generator would choose `datetime` or
 * `Decimal` (../shared/seed/origin-notes.md). A generated model is a drop-in replacement only with the
 * same types: the same constructor arguments must give the same bytes.
 */
export const textFieldsOfProducers: ReadonlySet<string> = new Set([
  "PriceUpdateEvent.timestamp", // isoformat() of the quote time
  "PositionEvent.price",
]);

const KNOWN_KEYWORDS = new Set([
  "type",
  "description",
  "const",
  "enum",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "items",
]);

/** A JSON value as a Python literal. */
export function pyLiteral(value: unknown): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string" || typeof value === "number") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v)}`);
    return `{${entries.join(", ")}}`;
  }
  throw new Error(`no Python literal for ${typeof value}`);
}

interface FieldContext {
  message: string;
  name: string;
  required: boolean;
  specPath: string;
}

export function pythonField(schema: JsonSchema, context: FieldContext): PythonField {
  const at = `components.schemas.${context.message}.properties.${context.name}`;
  assertKnownKeywords(schema, at, context.specPath);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  const nullable = types.includes("null");
  const base = types.filter((t) => t !== "null");
  if (base.length !== 1)
    throw new SpecError(context.specPath, `${at}.type`, "a field needs one type (and null)");
  const { annotation, refusesNull, fallbackDefault } = annotationOf(
    base[0] as string,
    schema,
    { ...context, nullable },
    at,
  );
  const description = JSON.stringify(String(schema.description ?? "").trim());
  if (context.required) {
    const fieldDefault = fallbackDefault === undefined ? "" : `default=${fallbackDefault}, `;
    return { name: context.name, annotation, assignment: `Field(${fieldDefault}description=${description})` };
  }
  if (nullable) {
    return { name: context.name, annotation, assignment: `Field(default=None, description=${description})` };
  }
  // Optional but never null (event_id): left out of the JSON when unset, and an explicit null is refused.
  const typeName = JSON.stringify(typeWords[base[0] as string] ?? base[0]);
  return {
    name: context.name,
    annotation: refusesNull ? annotation : `Annotated[${annotation}, not_null(${typeName})]`,
    assignment: `Field(default=None, exclude_if=is_none, description=${description})`,
  };
}

function assertKnownKeywords(schema: JsonSchema, at: string, specPath: string): void {
  for (const keyword of Object.keys(schema)) {
    if (!KNOWN_KEYWORDS.has(keyword)) {
      throw new SpecError(
        specPath,
        `${at}.${keyword}`,
        `the Python generator does not understand "${keyword}"`,
      );
    }
  }
}

interface Annotation {
  annotation: string;
  /** True when the validator refuses an explicit null, so an optional field may default to None. */
  refusesNull: boolean;
  /** A default for a required field (a const: `event_type`, as the services' models have it). */
  fallbackDefault?: string;
}

function annotationOf(
  type: string,
  schema: JsonSchema,
  context: FieldContext & { nullable: boolean },
  at: string,
): Annotation {
  const optional = context.nullable || !context.required;
  const orNone = (text: string) => (optional ? `${text} | None` : text);
  if (schema.const !== undefined) {
    return {
      annotation: `Literal[${pyLiteral(schema.const)}]`,
      refusesNull: false,
      fallbackDefault: pyLiteral(schema.const),
    };
  }
  if (Array.isArray(schema.enum)) {
    return { annotation: orNone(`Literal[${schema.enum.map(pyLiteral).join(", ")}]`), refusesNull: false };
  }
  if (type === "string") return stringAnnotation(schema, context, orNone, at);
  if (type === "integer") {
    const bounds = [`ge=${schema.minimum ?? "None"}`, `le=${schema.maximum ?? "None"}`].join(", ");
    return { annotation: orNone(`Annotated[int, Interval(${bounds})]`), refusesNull: false };
  }
  if (type === "array") {
    const items = (schema.items ?? {}) as JsonSchema;
    const item = annotationOf(
      String(items.type),
      items,
      { ...context, required: true, nullable: false },
      `${at}.items`,
    );
    const length = `Len(${schema.minItems ?? 0}, ${schema.maxItems ?? "None"})`;
    return { annotation: orNone(`Annotated[list[${item.annotation}], ${length}]`), refusesNull: false };
  }
  throw new SpecError(
    context.specPath,
    `${at}.type`,
    `the Python generator has no mapping for type "${type}"`,
  );
}

function stringAnnotation(
  schema: JsonSchema,
  context: FieldContext & { nullable: boolean },
  orNone: (text: string) => string,
  at: string,
): Annotation {
  const asText = textFieldsOfProducers.has(`${context.message}.${context.name}`);
  const optional = context.nullable || !context.required;
  const pattern = typeof schema.pattern === "string" ? schema.pattern : undefined;
  const checked = (type: string, validator: string) => ({
    annotation: `Annotated[${optional ? `${type} | None` : type}, ${validator}]`,
    refusesNull: true,
  });
  if (schema.format === "date-time") {
    if (optional) throw new SpecError(context.specPath, at, "an optional date-time has no Python mapping");
    return checked(asText ? "str" : "datetime", asText ? "timestamp_text()" : "timestamp_value()");
  }
  if (schema.format === "date" || schema.format === "uuid") {
    if (context.nullable)
      throw new SpecError(context.specPath, at, "a nullable date or uuid has no Python mapping");
    return checked("str", schema.format === "date" ? "date_text()" : "uuid_text()");
  }
  if (schema.format !== undefined) {
    throw new SpecError(
      context.specPath,
      `${at}.format`,
      `the Python generator has no check for format "${schema.format}"`,
    );
  }
  const isDecimal = pattern !== undefined && patternCodes[pattern]?.startsWith("decimal.");
  if (isDecimal && !asText) {
    const options = `pattern=${pyLiteral(pattern)}, max_length=${schema.maxLength ?? "None"}, nullable=${context.nullable ? "True" : "False"}`;
    if (!context.nullable && !context.required)
      throw new SpecError(context.specPath, at, "an optional decimal must be nullable");
    return checked("Decimal", `decimal_value(${options})`);
  }
  const constraints = [
    schema.minLength !== undefined ? `min_length=${schema.minLength}` : undefined,
    schema.maxLength !== undefined ? `max_length=${schema.maxLength}` : undefined,
    pattern !== undefined ? `pattern=${pyLiteral(pattern)}` : undefined,
  ].filter((c) => c !== undefined);
  return {
    annotation: orNone(`Annotated[str, StringConstraints(${constraints.join(", ")})]`),
    refusesNull: false,
  };
}
