// Emits generated/serializers.ts: per message, a template that writes a payload its strict validator
// accepted as JSON text, fields in the spec's order. Strings that a const, an enum, a format or a safe
// pattern already restricts to printable ASCII without `"` or `\` are written as they are; free text is
// scanned and handed to JSON.stringify if anything in it needs escaping. The text equals JSON.stringify of
// the same object with its keys in the spec's order (test/generator/serializers.test.ts).
import { type GeneratedFile, tsBanner } from "./banner.js";
import { patternNeedsNoEscaping } from "./json-safe-pattern.js";
import type { ContractChannel, ContractModel, JsonSchema } from "./load-spec.js";

/** The field that carries the event id: the serializer writes the one it is given when the payload has none. */
export const EVENT_ID_FIELD = "event_id";

/** Formats whose every valid value is printable ASCII without `"` or `\`. */
const ASCII_FORMATS = new Set(["date-time", "date", "uuid"]);

export function serializerName(messageName: string): string {
  return `serialize${messageName}`;
}

const needsNoEscaping = (text: string) => JSON.stringify(text) === `"${text}"`;

/** The schema without `null` when it is `type: [T, "null"]` or `oneOf`/`anyOf: [T, {type: "null"}]`. */
function withoutNull(schema: JsonSchema): JsonSchema | undefined {
  if (Array.isArray(schema.type) && schema.type.length === 2 && schema.type.includes("null")) {
    return { ...schema, type: schema.type.find((t) => t !== "null") };
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const options = schema[key];
    if (!Array.isArray(options) || options.length !== 2) continue;
    const nullIndex = options.findIndex((o: JsonSchema) => o.type === "null" && Object.keys(o).length <= 2);
    if (nullIndex < 0) continue;
    const { [key]: _, ...rest } = schema;
    return { ...rest, ...(options[1 - nullIndex] as JsonSchema) };
  }
  return undefined;
}

/** Module-level item writers, so that writing an array creates no function per call. */
type ItemWriters = string[];

/** How a value is written: an expression between constant text (`"` around a string that needs no escaping). */
interface Piece {
  readonly before: string;
  readonly expression: string;
  readonly after: string;
}

const expressionOf = ({ before, expression, after }: Piece): string =>
  [before && JSON.stringify(before), expression, after && JSON.stringify(after)].filter(Boolean).join(" + ");

/** How to write `value` (an expression) as JSON, given the schema it passed. */
export function valueWriter(schema: JsonSchema, value: string, itemWriters: ItemWriters): Piece {
  const plain = (expression: string): Piece => ({ before: "", expression, after: "" });
  const nonNull = withoutNull(schema);
  if (nonNull !== undefined) {
    return plain(`(${value} === null ? "null" : ${expressionOf(valueWriter(nonNull, value, itemWriters))})`);
  }
  if (schema.type === "string") {
    const known = schema.const !== undefined ? [schema.const] : (schema.enum as unknown[] | undefined);
    const restricted =
      known?.every((v) => typeof v === "string" && needsNoEscaping(v)) ||
      (typeof schema.format === "string" && ASCII_FORMATS.has(schema.format)) ||
      (typeof schema.pattern === "string" && patternNeedsNoEscaping(schema.pattern));
    return restricted ? { before: '"', expression: value, after: '"' } : plain(`quoteText(${value})`);
  }
  // An integer or number the validator accepted is finite: String() writes it exactly as JSON.stringify.
  if (schema.type === "integer" || schema.type === "number") return plain(`String(${value})`);
  if (schema.type === "boolean") return plain(`(${value} ? "true" : "false")`);
  if (schema.type === "null") return { before: "null", expression: "", after: "" };
  if (schema.type === "array" && typeof schema.items === "object" && !Array.isArray(schema.items)) {
    const name = `writeItem${itemWriters.length}`;
    const item = expressionOf(valueWriter(schema.items as JsonSchema, "item", itemWriters));
    itemWriters.push(`const ${name} = (item: any): string => ${item};`);
    return plain(`writeArray(${value}, ${name})`);
  }
  return plain(`JSON.stringify(${value})`); // anything else: correct, only not specialised
}

const propertyAccess = (object: string, name: string) =>
  /^[A-Za-z_$][\w$]*$/.test(name) ? `${object}.${name}` : `${object}[${JSON.stringify(name)}]`;

function serializerFunction(channel: ContractChannel, itemWriters: ItemWriters): string {
  const schema = channel.payloadSchema;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const names = Object.keys(properties);
  // Every field but the first is written after a comma; while no field is certain to have been written,
  // the comma is written anyway and the first one removed at the end.
  const leadingOptional = !required.has(names[0] ?? "");
  const lines: string[] = [];
  let pending: string[] = []; // a run of required fields: one expression with the constant text merged
  let text = leadingOptional ? "" : "{";
  const flush = () => {
    if (pending.length === 0 && text === "") return;
    const parts = [...pending, ...(text ? [JSON.stringify(text)] : [])];
    lines.push(lines.length === 0 ? `  let json = ${parts.join(" + ")};` : `  json += ${parts.join(" + ")};`);
    pending = [];
    text = "";
  };
  names.forEach((name, index) => {
    const key = `${leadingOptional || index > 0 ? "," : ""}${JSON.stringify(name)}:`;
    const access = propertyAccess("payload", name);
    const fieldSchema = properties[name] as JsonSchema;
    if (required.has(name)) {
      const piece = valueWriter(fieldSchema, access, itemWriters);
      text += key + piece.before;
      if (piece.expression !== "") {
        pending.push(JSON.stringify(text), piece.expression);
        text = "";
      }
      text += piece.after;
      return;
    }
    flush();
    if (lines.length === 0) lines.push('  let json = "";');
    const value = name === EVENT_ID_FIELD ? "eventIdValue" : access;
    if (name === EVENT_ID_FIELD)
      lines.push(`  const eventIdValue = ${access} === undefined ? eventId : ${access};`);
    const piece = valueWriter(fieldSchema, value, itemWriters);
    const written = expressionOf({ ...piece, before: key + piece.before });
    lines.push(`  if (${value} !== undefined) json += ${written};`);
  });
  if (leadingOptional) {
    flush();
    lines.push('  return json === "" ? "{}" : "{" + json.slice(1) + "}";');
  } else {
    text += "}";
    const parts = [...pending, JSON.stringify(text)];
    lines.push(
      lines.length === 0 ? `  return ${parts.join(" + ")};` : `  return json + ${parts.join(" + ")};`,
    );
  }
  const name = serializerName(channel.messageName);
  return [
    `/** ${channel.messageName} as JSON text; \`eventId\` is written as ${EVENT_ID_FIELD} when the payload has none. */`,
    `export function ${name}(payload: ${channel.messageName}, eventId?: string): string {`,
    ...lines,
    "}",
  ].join("\n");
}

const HELPERS = `/** Free text between quotes; JSON.stringify writes it when a character needs escaping (or is a surrogate). */
function quoteText(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return JSON.stringify(text);
  }
  return \`"\${text}"\`;
}

function writeArray<T>(items: readonly T[], write: (item: T) => string): string {
  let json = "[";
  for (let i = 0; i < items.length; i++) json += (i === 0 ? "" : ",") + write(items[i] as T);
  return \`\${json}]\`;
}`;

export function emitSerializers(model: ContractModel): GeneratedFile {
  const byMessage = new Map(model.channels.map((c) => [c.messageName, c]));
  const messages = [...byMessage.keys()].sort();
  for (const channel of byMessage.values()) {
    if (channel.payloadSchema.additionalProperties === true) {
      throw new Error(`${channel.messageName}: a serializer writes only the fields the spec defines`);
    }
  }
  const itemWriters: ItemWriters = [];
  const functions = messages.map((m) => serializerFunction(byMessage.get(m) as ContractChannel, itemWriters));
  const contents = `${tsBanner(model)}
import type { ${messages.join(", ")} } from "./types.js";

${HELPERS}
${itemWriters.join("\n")}

${functions.join("\n\n")}
`;
  return { path: "serializers.ts", contents };
}
