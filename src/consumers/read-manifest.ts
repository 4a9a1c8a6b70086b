// Reads one consumer manifest: YAML with line numbers kept, checked against the manifest's JSON
// Schema, so that every problem is an error that names the file and line.
import { readFileSync } from "node:fs";
import { basename, isAbsolute, relative } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { type Document, isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import type { JsonObject } from "../contract/compatibility/spec-document.js";
import { compileConsumerRules } from "./consumer-rules.js";
import type { ConsumerManifest, Subscription } from "./manifest.js";
import { manifestSchemaPath } from "./package-files.js";

/** A manifest that cannot be read, with where: `contracts/consumers/x.yaml:7:5: …`. */
export class ManifestError extends Error {
  override readonly name = "ManifestError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
  }
}

let validateManifest: ReturnType<Ajv["compile"]> | undefined;
function manifestValidator(): ReturnType<Ajv["compile"]> {
  // Compiled once, at first use: the CLI's other commands never pay for it.
  validateManifest ??= new Ajv({ allErrors: true, strict: true }).compile(
    JSON.parse(readFileSync(manifestSchemaPath(), "utf8")),
  );
  return validateManifest;
}

export function readManifest(file: string): ConsumerManifest {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ManifestError(file, 1, 1, `cannot be read (${(error as Error).message})`);
  }
  return parseManifest(text, file);
}

export function parseManifest(text: string, path: string): ConsumerManifest {
  const file = shortPath(path);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const pos = syntax.linePos?.[0] ?? { line: 1, col: 1 };
    throw new ManifestError(file, pos.line, pos.col, `is not valid YAML: ${syntax.message.split("\n")[0]}`);
  }
  const data = doc.toJS() as unknown;
  const validate = manifestValidator();
  if (!validate(data)) {
    const error = mostSpecific(validate.errors ?? []);
    const { line, col } = lines.linePos(offsetOf(doc, error));
    throw new ManifestError(file, line, col, describe(error));
  }
  const manifest = data as { consumer: string; description?: string; subscriptions: RawSubscription[] };
  const name = basename(file).replace(/\.ya?ml$/, "");
  if (manifest.consumer !== name) {
    const { line, col } = lines.linePos(offsetOf(doc, { instancePath: "/consumer" }));
    throw new ManifestError(
      file,
      line,
      col,
      `consumer "${manifest.consumer}" must equal the file's name "${name}"`,
    );
  }
  const subscriptions = manifest.subscriptions.map((raw, index): Subscription => {
    const at = (key: string) =>
      lines.linePos(offsetOf(doc, { instancePath: `/subscriptions/${index}${key}` }));
    const fail = (key: string, detail: string): never => {
      const { line, col } = at(key);
      throw new ManifestError(file, line, col, `/subscriptions/${index}${key}: ${detail}`);
    };
    if (raw.addresses && raw.using !== "SUBSCRIBE") fail("/addresses", "only SUBSCRIBE takes addresses");
    try {
      compileConsumerRules(raw.accepts ?? {});
    } catch (error) {
      fail("/accepts", `is not a JSON Schema Ajv can compile (${(error as Error).message})`);
    }
    const { line } = at("");
    return {
      channel: raw.channel,
      using: raw.using,
      ...(raw.addresses ? { addresses: raw.addresses } : {}),
      reads: raw.reads,
      accepts: raw.accepts ?? {},
      accepted: raw.accepted ?? [],
      at: `${file}:${line}`,
    };
  });
  return { consumer: manifest.consumer, description: manifest.description ?? "", file, subscriptions };
}

interface RawSubscription {
  channel: string;
  using: "SUBSCRIBE" | "PSUBSCRIBE";
  addresses?: string[];
  reads: string[];
  accepts?: JsonObject;
  accepted?: Subscription["accepted"][number][];
}

/** The error deepest in the document: the one closest to what the author wrote wrong. */
function mostSpecific(errors: readonly ErrorObject[]): ErrorObject {
  const depth = (e: ErrorObject) => e.instancePath.split("/").length;
  return [...errors].sort((a, b) => depth(b) - depth(a))[0] as ErrorObject;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || "the manifest";
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties")
    return `${where}: unknown key "${String(params.additionalProperty)}"`;
  if (error.keyword === "required") return `${where}: "${String(params.missingProperty)}" is missing`;
  if (error.keyword === "enum")
    return `${where}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  return `${where}: ${error.message ?? error.keyword}`;
}

/** The offset in the text of the node an Ajv error is about (the key, for an unknown key). */
function offsetOf(doc: Document, error: Pick<ErrorObject, "instancePath"> & { params?: object }): number {
  const path = error.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  const extra = (error.params as { additionalProperty?: string } | undefined)?.additionalProperty;
  if (extra !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === extra);
    const key = pair?.key as { range?: [number, number, number] } | undefined;
    if (key?.range) return key.range[0];
  }
  if (node?.range) return node.range[0];
  return path.length > 0 ? offsetOf(doc, { instancePath: parentPointer(error.instancePath) }) : 0;
}

/** A path inside the working directory as a relative one: what a reader clicks in a terminal. */
function shortPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return isAbsolute(path) && !inside.startsWith("..") && !isAbsolute(inside) ? inside : path;
}

const parentPointer = (pointer: string) => pointer.slice(0, pointer.lastIndexOf("/"));
