// Compares two payload schemas node by node and reports each change with the directions it breaks.
// Objects are judged in both views: producers write the strict view (an object without
// `additionalProperties` is closed), consumers read the tolerant one (such an object is open).

import {
  addedBreaks,
  additionalChange,
  fieldAdded,
  fieldRemoved,
  label,
  removedBreaks,
  requiredChange,
  union,
} from "./field-rules.js";
import { breaksOf, type Finding, finding } from "./findings.js";
import { isAnnotation, keywordChanges, withoutAnnotations } from "./schema-keywords.js";
import {
  child,
  childPointer,
  dereference,
  isObject,
  jsonEqual,
  type Located,
  type SpecDocument,
} from "./spec-document.js";

export interface SchemaDiffContext {
  readonly oldDoc: SpecDocument;
  readonly newDoc: SpecDocument;
  readonly channel: string;
  readonly findings: Finding[];
}

export function compareSchemas(ctx: SchemaDiffContext, before: Located, after: Located, field: string): void {
  const oldNode = isObject(before.node) ? before.node : {};
  const newNode = isObject(after.node) ? after.node : {};
  const at = (keyword: string) =>
    Object.hasOwn(newNode, keyword)
      ? { pointer: childPointer(after.pointer, keyword), spec: "new" as const }
      : { pointer: childPointer(before.pointer, keyword), spec: "old" as const };

  for (const change of keywordChanges(oldNode, newNode)) {
    ctx.findings.push(
      finding({
        ...at(change.keyword),
        kind: change.kind,
        channel: ctx.channel,
        field,
        breaks: breaksOf[change.effect],
        reason: `${label(field)}: ${change.reason}`,
      }),
    );
  }
  const annotations = [...new Set([...Object.keys(oldNode), ...Object.keys(newNode)])].filter(
    (k) => isAnnotation(k) && !jsonEqual(oldNode[k], newNode[k]),
  );
  if (annotations.length > 0) {
    ctx.findings.push(
      finding({
        pointer: after.pointer,
        spec: "new",
        kind: "annotation-changed",
        channel: ctx.channel,
        field,
        breaks: [],
        reason: `${label(field)}: only documentation changed (${annotations.join(", ")}); validation is the same`,
      }),
    );
  }
  compareItems(ctx, before, after, field);
  compareObjects(ctx, before, after, field);
}

function compareItems(ctx: SchemaDiffContext, before: Located, after: Located, field: string): void {
  const oldItems = child(ctx.oldDoc, before, "items");
  const newItems = child(ctx.newDoc, after, "items");
  if (!oldItems || !newItems) {
    if (oldItems || newItems) {
      const [located, spec] = newItems ? [newItems, "new" as const] : [oldItems as Located, "old" as const];
      const effect = newItems ? "narrowed" : "widened";
      ctx.findings.push(
        finding({
          pointer: located.pointer,
          spec,
          kind: `items-${newItems ? "added" : "removed"}`,
          channel: ctx.channel,
          field,
          breaks: breaksOf[effect],
          reason: `${label(field)}: its items are ${newItems ? "now" : "no longer"} constrained`,
        }),
      );
    }
    return;
  }
  if (Array.isArray(oldItems.node) || Array.isArray(newItems.node)) return; // tuples: judged as a keyword by keywordChanges
  compareSchemas(ctx, oldItems, newItems, `${field}[]`);
}

function compareObjects(ctx: SchemaDiffContext, before: Located, after: Located, field: string): void {
  const oldNode = isObject(before.node) ? before.node : {};
  const newNode = isObject(after.node) ? after.node : {};
  const oldProps = isObject(oldNode.properties) ? oldNode.properties : {};
  const newProps = isObject(newNode.properties) ? newNode.properties : {};
  const oldRequired = new Set(Array.isArray(oldNode.required) ? oldNode.required.map(String) : []);
  const newRequired = new Set(Array.isArray(newNode.required) ? newNode.required.map(String) : []);
  const propertyAt = (side: Located, doc: SpecDocument, name: string) =>
    child(doc, child(doc, side, "properties") as Located, name) as Located;
  const fieldOf = (name: string) => `${field}/${name}`;

  const added = Object.keys(newProps).filter((name) => !Object.hasOwn(oldProps, name));
  const removed = Object.keys(oldProps).filter((name) => !Object.hasOwn(newProps, name));
  for (const name of Object.keys(newProps).filter((n) => Object.hasOwn(oldProps, n))) {
    compareSchemas(
      ctx,
      propertyAt(before, ctx.oldDoc, name),
      propertyAt(after, ctx.newDoc, name),
      fieldOf(name),
    );
    requiredChange(ctx, {
      before,
      after,
      name,
      field: fieldOf(name),
      wasRequired: oldRequired.has(name),
      isRequired: newRequired.has(name),
    });
  }
  const renames = matchRenames(ctx, before, after, removed, added, propertyAt);
  for (const name of added.filter((n) => !renames.has(n))) {
    fieldAdded(ctx, {
      oldNode,
      after: propertyAt(after, ctx.newDoc, name),
      field: fieldOf(name),
      required: newRequired.has(name),
    });
  }
  const renamedFrom = new Set(renames.values());
  for (const name of removed.filter((n) => !renamedFrom.has(n))) {
    fieldRemoved(ctx, {
      newNode,
      before: propertyAt(before, ctx.oldDoc, name),
      field: fieldOf(name),
      wasRequired: oldRequired.has(name),
    });
  }
  for (const [to, from] of renames) {
    const addition = addedBreaks(oldNode, newRequired.has(to));
    const removal = removedBreaks(newNode);
    ctx.findings.push(
      finding({
        pointer: propertyAt(after, ctx.newDoc, to).pointer,
        spec: "new",
        kind: "field-renamed",
        channel: ctx.channel,
        field: fieldOf(to),
        breaks: union(addition, removal),
        reason: `\`${fieldOf(from)}\` is now called \`${fieldOf(to)}\`: consumers of the old contract lose \`${from}\`${addition.includes("forward") ? `, and producers of the old contract never send the required \`${to}\`` : ""}`,
      }),
    );
  }
  additionalChange(ctx, before, after, field, oldNode, newNode);
}

/** Pairs of a removed and an added field with the same validation schema: a rename (new name → old name). */
function matchRenames(
  ctx: SchemaDiffContext,
  before: Located,
  after: Located,
  removed: string[],
  added: string[],
  propertyAt: (side: Located, doc: SpecDocument, name: string) => Located,
): Map<string, string> {
  const renames = new Map<string, string>();
  const shape = (doc: SpecDocument, located: Located) => withoutAnnotations(dereference(doc, located));
  for (const from of removed) {
    const oldShape = shape(ctx.oldDoc, propertyAt(before, ctx.oldDoc, from));
    const to = added.find(
      (name) =>
        !renames.has(name) && jsonEqual(shape(ctx.newDoc, propertyAt(after, ctx.newDoc, name)), oldShape),
    );
    if (to !== undefined) renames.set(to, from);
  }
  return renames;
}
