// Reads an AsyncAPI document (YAML or JSON text) into the parts the compatibility checker compares,
// following local `$ref`s while remembering where each definition lives (for JSON pointers).
import { parse as parseYaml } from "yaml";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A node of the document and the JSON pointer of the place that defines it (after `$ref`s). */
export interface Located {
  readonly node: Json;
  readonly pointer: string;
}

export class SpecDocumentError extends Error {
  override readonly name = "SpecDocumentError";
  constructor(
    readonly source: string,
    readonly pointer: string,
    readonly detail: string,
  ) {
    super(`${source}${pointer ? ` at ${pointer}` : ""}: ${detail}`);
  }
}

export interface SpecDocument {
  /** Where the text came from (a file path or a released version), for messages. */
  readonly source: string;
  readonly root: JsonObject;
  readonly version: string;
}

export function parseSpecDocument(text: string, source: string): SpecDocument {
  let root: unknown;
  try {
    root = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new SpecDocumentError(source, "", `is not valid YAML or JSON (${(error as Error).message})`);
  }
  if (!isObject(root)) throw new SpecDocumentError(source, "", "is not an AsyncAPI document (not a mapping)");
  if (typeof root.asyncapi !== "string") throw new SpecDocumentError(source, "/asyncapi", "is missing");
  const info = root.info;
  const version = isObject(info) ? info.version : undefined;
  if (typeof version !== "string") throw new SpecDocumentError(source, "/info/version", "is missing");
  return { source, root, version };
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function childPointer(pointer: string, ...segments: (string | number)[]): string {
  return segments.reduce<string>((at, segment) => `${at}/${escapePointer(String(segment))}`, pointer);
}

/** The node at a JSON pointer, without following `$ref`s; undefined when there is none. */
export function nodeAt(doc: SpecDocument, pointer: string): Json | undefined {
  let node: Json | undefined = doc.root;
  for (const raw of pointer.split("/").slice(1)) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = Object.hasOwn(node, segment) ? node[segment] : undefined;
    else return undefined;
  }
  return node;
}

/** Follows `$ref` chains (local ones only) to the defining node. */
export function resolve(doc: SpecDocument, located: Located): Located {
  let current = located;
  const seen = new Set<string>();
  while (isObject(current.node) && typeof current.node.$ref === "string") {
    const ref = current.node.$ref;
    if (!ref.startsWith("#")) {
      throw new SpecDocumentError(doc.source, current.pointer, `only local $refs are supported, not ${ref}`);
    }
    const target = decodeURI(ref.slice(1));
    if (seen.has(target)) throw new SpecDocumentError(doc.source, current.pointer, `$ref cycle at ${ref}`);
    seen.add(target);
    const node = nodeAt(doc, target);
    if (node === undefined) throw new SpecDocumentError(doc.source, current.pointer, `${ref} points nowhere`);
    current = { node, pointer: target };
  }
  return current;
}

/** The child of a located node, resolved. */
export function child(doc: SpecDocument, parent: Located, key: string | number): Located | undefined {
  const node = Array.isArray(parent.node)
    ? parent.node[Number(key)]
    : isObject(parent.node) && Object.hasOwn(parent.node, String(key))
      ? parent.node[String(key)]
      : undefined;
  if (node === undefined) return undefined;
  return resolve(doc, { node, pointer: childPointer(parent.pointer, key) });
}

/** The schema with every `$ref` replaced by its target: what a validator compiles. */
export function dereference(doc: SpecDocument, located: Located, depth = 0): Json {
  if (depth > 64)
    throw new SpecDocumentError(doc.source, located.pointer, "schema nests too deep (a $ref cycle?)");
  const { node, pointer } = resolve(doc, located);
  if (Array.isArray(node))
    return node.map((item, i) => dereference(doc, { node: item, pointer: `${pointer}/${i}` }, depth + 1));
  if (!isObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      dereference(doc, { node: value, pointer: childPointer(pointer, key) }, depth + 1),
    ]),
  );
}

/** Deep equality of JSON values, ignoring key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
  );
}
