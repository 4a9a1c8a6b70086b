// Rules for the keywords of one schema node (not its properties): type, nullability, enum, const,
// bounds, pattern, format. Each rule says how the set of accepted values moved: widened, narrowed, changed.
import type { Effect } from "./findings.js";
import { isObject, type Json, type JsonObject, jsonEqual } from "./spec-document.js";

export interface KeywordChange {
  readonly kind: string;
  /** The keyword whose location the finding points at. */
  readonly keyword: string;
  readonly effect: Effect;
  readonly reason: string;
}

/** Keywords that document and never validate. */
export function isAnnotation(keyword: string): boolean {
  return ANNOTATIONS.has(keyword) || keyword.startsWith("x-");
}
const ANNOTATIONS = new Set([
  "description",
  "title",
  "summary",
  "examples",
  "example",
  "$comment",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "externalDocs",
  "$id",
  "$schema",
]);

const LOWER_BOUNDS = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"];
const UPPER_BOUNDS = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"];
const EXACT = ["pattern", "format"];
/** Keywords handled here or by the object and array rules; any other validation keyword is judged conservatively. */
export const MODELLED = new Set([
  "type",
  "enum",
  "const",
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  ...EXACT,
  "properties",
  "required",
  "additionalProperties",
  "items",
  "$ref",
]);

export function keywordChanges(oldNode: JsonObject, newNode: JsonObject): KeywordChange[] {
  const changes: KeywordChange[] = [
    ...typeChanges(oldNode.type, newNode.type),
    ...enumChanges(oldNode.enum, newNode.enum),
  ];
  changes.push(...presenceChanges("const", oldNode.const, newNode.const));
  for (const keyword of EXACT) changes.push(...presenceChanges(keyword, oldNode[keyword], newNode[keyword]));
  for (const keyword of LOWER_BOUNDS)
    changes.push(...boundChanges(keyword, oldNode[keyword], newNode[keyword], "lower"));
  for (const keyword of UPPER_BOUNDS)
    changes.push(...boundChanges(keyword, oldNode[keyword], newNode[keyword], "upper"));
  for (const keyword of new Set([...Object.keys(oldNode), ...Object.keys(newNode)])) {
    if (MODELLED.has(keyword) || isAnnotation(keyword) || jsonEqual(oldNode[keyword], newNode[keyword]))
      continue;
    changes.push({
      kind: "keyword-changed",
      keyword,
      effect: "changed",
      reason: `\`${keyword}\` changed, and the checker does not model it, so it counts as breaking both ways`,
    });
  }
  return changes;
}

function typeSet(type: Json | undefined): Set<string> | undefined {
  if (type === undefined) return undefined;
  return new Set((Array.isArray(type) ? type : [type]).map(String));
}

/** Whether the types in `outer` accept every value of type `t` (an integer is a number). */
const covers = (outer: Set<string>, t: string) => outer.has(t) || (t === "integer" && outer.has("number"));

function typeChanges(oldType: Json | undefined, newType: Json | undefined): KeywordChange[] {
  const before = typeSet(oldType);
  const after = typeSet(newType);
  if (!before && !after) return [];
  const show = (s: Set<string> | undefined) => (s ? [...s].join(" or ") : "any type");
  if (!before || !after) {
    const effect = before ? "widened" : "narrowed";
    return [
      {
        kind: `type-${effect}`,
        keyword: "type",
        effect,
        reason: `the type went from ${show(before)} to ${show(after)}`,
      },
    ];
  }
  const changes: KeywordChange[] = [];
  if (before.has("null") !== after.has("null")) {
    changes.push(
      after.has("null")
        ? {
            kind: "nullability-added",
            keyword: "type",
            effect: "widened",
            reason: "the field may now be null",
          }
        : {
            kind: "nullability-removed",
            keyword: "type",
            effect: "narrowed",
            reason: "the field may no longer be null",
          },
    );
  }
  const oldTypes = [...before].filter((t) => t !== "null");
  const newTypes = [...after].filter((t) => t !== "null");
  const grew = !newTypes.every((t) => covers(new Set(oldTypes), t));
  const shrank = !oldTypes.every((t) => covers(new Set(newTypes), t));
  const reason = `the type went from ${show(before)} to ${show(after)}`;
  if (grew && shrank) changes.push({ kind: "type-changed", keyword: "type", effect: "changed", reason });
  else if (grew) changes.push({ kind: "type-widened", keyword: "type", effect: "widened", reason });
  else if (shrank) changes.push({ kind: "type-narrowed", keyword: "type", effect: "narrowed", reason });
  return changes;
}

function enumChanges(oldEnum: Json | undefined, newEnum: Json | undefined): KeywordChange[] {
  if (oldEnum === undefined && newEnum === undefined) return [];
  if (!Array.isArray(oldEnum) || !Array.isArray(newEnum)) return presenceChanges("enum", oldEnum, newEnum);
  const missingFrom = (list: Json[], values: Json[]) =>
    values.filter((v) => !list.some((w) => jsonEqual(v, w)));
  const added = missingFrom(oldEnum, newEnum);
  const removed = missingFrom(newEnum, oldEnum);
  const list = (values: Json[]) => values.map((v) => JSON.stringify(v)).join(", ");
  const changes: KeywordChange[] = [];
  if (added.length > 0) {
    changes.push({
      kind: "enum-value-added",
      keyword: "enum",
      effect: "widened",
      reason: `${list(added)} became allowed`,
    });
  }
  if (removed.length > 0) {
    changes.push({
      kind: "enum-value-removed",
      keyword: "enum",
      effect: "narrowed",
      reason: `${list(removed)} is no longer allowed`,
    });
  }
  return changes;
}

/** A keyword whose any change both allows and refuses values: `const`, `pattern`, `format` (and `enum` from or to nothing). */
function presenceChanges(
  keyword: string,
  before: Json | undefined,
  after: Json | undefined,
): KeywordChange[] {
  if (jsonEqual(before, after)) return [];
  const show = (v: Json | undefined) => JSON.stringify(v);
  if (before === undefined) {
    return [
      {
        kind: `${keyword}-added`,
        keyword,
        effect: "narrowed",
        reason: `\`${keyword}\` ${show(after)} now restricts the value`,
      },
    ];
  }
  if (after === undefined) {
    return [
      {
        kind: `${keyword}-removed`,
        keyword,
        effect: "widened",
        reason: `\`${keyword}\` ${show(before)} no longer restricts the value`,
      },
    ];
  }
  const why = keyword === "pattern" ? " (two patterns are not compared, so any change counts as both)" : "";
  return [
    {
      kind: `${keyword}-changed`,
      keyword,
      effect: "changed",
      reason: `\`${keyword}\` went from ${show(before)} to ${show(after)}${why}`,
    },
  ];
}

function boundChanges(
  keyword: string,
  before: Json | undefined,
  after: Json | undefined,
  side: "lower" | "upper",
): KeywordChange[] {
  if (jsonEqual(before, after)) return [];
  if (
    (before !== undefined && typeof before !== "number") ||
    (after !== undefined && typeof after !== "number")
  ) {
    return [
      {
        kind: "keyword-changed",
        keyword,
        effect: "changed",
        reason: `\`${keyword}\` changed to a form the checker does not compare`,
      },
    ];
  }
  // A lower bound that rises, or an upper bound that falls, refuses values it used to accept.
  const tightened =
    before === undefined
      ? true
      : after === undefined
        ? false
        : side === "lower"
          ? after > before
          : after < before;
  const effect: Effect = tightened ? "narrowed" : "widened";
  const show = (v: Json | undefined) => (v === undefined ? "none" : String(v));
  return [
    {
      kind: `${keyword}-${tightened ? "tightened" : "loosened"}`,
      keyword,
      effect,
      reason: `\`${keyword}\` went from ${show(before)} to ${show(after)}`,
    },
  ];
}

/** The validation part of a schema: annotations removed, recursively (for comparing renamed fields). */
export function withoutAnnotations(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(withoutAnnotations);
  if (!isObject(schema)) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !isAnnotation(key))
      .map(([key, value]) => [
        key,
        key === "properties" ? mapValues(value, withoutAnnotations) : withoutAnnotations(value),
      ]),
  );
}

function mapValues(value: Json, f: (v: Json) => Json): Json {
  return isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, f(v)])) : value;
}
