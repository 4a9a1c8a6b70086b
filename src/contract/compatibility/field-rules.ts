// The rules for an object's own fields: added, removed, required or not, and what it accepts under
// names it does not list (additionalProperties), judged in the producers' and consumers' views.
import { breaksOf, type Direction, finding } from "./findings.js";
import type { SchemaDiffContext } from "./schema-diff.js";
import { withoutAnnotations } from "./schema-keywords.js";
import {
  childPointer,
  isObject,
  type Json,
  type JsonObject,
  jsonEqual,
  type Located,
} from "./spec-document.js";

export function label(field: string): string {
  return field === "" ? "the payload" : `\`${field}\``;
}

export type AdditionalProperties = boolean | JsonObject;

/** What an object accepts under names it does not list, in a view. */
export function additional(node: JsonObject, view: "strict" | "tolerant"): AdditionalProperties {
  const value = node.additionalProperties;
  if (value === undefined) return view === "tolerant";
  return isObject(value) ? (withoutAnnotations(value) as JsonObject) : value !== false;
}

/** Whether every value `inner` allows under unlisted names is allowed by `outer` (conservative). */
export function additionalWithin(inner: AdditionalProperties, outer: AdditionalProperties): boolean {
  return inner === false || outer === true || jsonEqual(inner, outer);
}

export function union(a: readonly Direction[], b: readonly Direction[]): Direction[] {
  return (["backward", "forward"] as const).filter((d) => a.includes(d) || b.includes(d));
}

export function addedBreaks(oldNode: JsonObject, required: boolean): Direction[] {
  const breaks: Direction[] = [];
  // New producers send the field; old consumers accept it only if their view of the object is open.
  if (additional(oldNode, "tolerant") !== true) breaks.push("backward");
  // Old producers never send it if their strict view was closed (confluentinc/schema-registry#1529).
  if (required || additional(oldNode, "strict") !== false) breaks.push("forward");
  return breaks;
}

export function removedBreaks(newNode: JsonObject): Direction[] {
  // Old consumers lose the field (and its typed property): breaking even when it was optional.
  const breaks: Direction[] = ["backward"];
  if (additional(newNode, "tolerant") !== true) breaks.push("forward"); // old producers still send it
  return breaks;
}

export function fieldAdded(
  ctx: SchemaDiffContext,
  {
    oldNode,
    after,
    field,
    required,
  }: { oldNode: JsonObject; after: Located; field: string; required: boolean },
): void {
  const type = isObject(after.node) ? after.node.type : undefined;
  const nullable = type === "null" || (Array.isArray(type) && type.includes("null"));
  const kind = required ? "field-added-required" : nullable ? "field-added-nullable" : "field-added-optional";
  const breaks = addedBreaks(oldNode, required);
  const why: string[] = [];
  if (breaks.includes("backward")) why.push("consumers of the old contract refuse fields it does not list");
  if (required)
    why.push("producers of the old contract never send it, and consumers of the new one require it");
  else if (breaks.includes("forward"))
    why.push("producers of the old contract could already send any value under this name (open object)");
  const reason =
    why.length > 0
      ? `${label(field)} was added: ${why.join("; ")}`
      : `${label(field)} was added as ${required ? "required" : "optional"}: old producers never send it (their view is closed) and old consumers ignore it (theirs is open)`;
  ctx.findings.push(
    finding({ pointer: after.pointer, spec: "new", kind, channel: ctx.channel, field, breaks, reason }),
  );
}

export function fieldRemoved(
  ctx: SchemaDiffContext,
  {
    newNode,
    before,
    field,
    wasRequired,
  }: { newNode: JsonObject; before: Located; field: string; wasRequired: boolean },
): void {
  const breaks = removedBreaks(newNode);
  const reason = wasRequired
    ? `${label(field)} was removed: consumers of the old contract require it, and producers of the new one can no longer send it`
    : `${label(field)} was removed: consumers of the old contract may read it, producers of the new one can no longer send it, and its typed property disappears`;
  ctx.findings.push(
    finding({
      pointer: before.pointer,
      spec: "old",
      kind: "field-removed",
      channel: ctx.channel,
      field,
      breaks,
      reason,
    }),
  );
}

export function requiredChange(
  ctx: SchemaDiffContext,
  c: {
    before: Located;
    after: Located;
    name: string;
    field: string;
    wasRequired: boolean;
    isRequired: boolean;
  },
): void {
  if (c.wasRequired === c.isRequired) return;
  const kind = c.isRequired ? "required-added" : "required-removed";
  const reason = c.isRequired
    ? `${label(c.field)} became required: producers of the old contract may leave it out`
    : `${label(c.field)} became optional: consumers of the old contract require it`;
  const pointer = childPointer((c.isRequired ? c.after : c.before).pointer, "required");
  ctx.findings.push(
    finding({
      pointer,
      spec: c.isRequired ? "new" : "old",
      kind,
      channel: ctx.channel,
      field: c.field,
      breaks: breaksOf[c.isRequired ? "narrowed" : "widened"],
      reason,
    }),
  );
}

export function additionalChange(
  ctx: SchemaDiffContext,
  before: Located,
  after: Located,
  field: string,
  oldNode: JsonObject,
  newNode: JsonObject,
): void {
  if (jsonEqual(oldNode.additionalProperties as Json, newNode.additionalProperties as Json)) return;
  const breaks: Direction[] = [];
  if (!additionalWithin(additional(newNode, "strict"), additional(oldNode, "tolerant")))
    breaks.push("backward");
  if (!additionalWithin(additional(oldNode, "strict"), additional(newNode, "tolerant")))
    breaks.push("forward");
  const show = (v: Json | undefined) =>
    v === undefined ? "unset (closed for producers, open for consumers)" : JSON.stringify(v);
  const inNew = Object.hasOwn(newNode, "additionalProperties");
  ctx.findings.push(
    finding({
      pointer: childPointer((inNew ? after : before).pointer, "additionalProperties"),
      spec: inNew ? "new" : "old",
      kind: "additionalProperties-changed",
      channel: ctx.channel,
      field,
      breaks,
      reason: `${label(field)}: additionalProperties went from ${show(oldNode.additionalProperties)} to ${show(newNode.additionalProperties)}${breaks.length === 0 ? ", which changes nothing a strict producer sends or a tolerant consumer accepts" : ""}`,
    }),
  );
}
