// Emits generated/validators.ts: Ajv standalone code (no schema is compiled at run time) for two
// views of every message: strict, for producers (an unknown field is an error), and tolerant,
// for consumers (unknown fields are accepted, everything the contract defines is checked).
import { _, Ajv } from "ajv";
import standaloneCodeModule from "ajv/dist/standalone/index.js";
import addFormatsPlugin from "ajv-formats";
import { type GeneratedFile, tsBanner } from "./banner.js";
import { addClosedObjectKeyword } from "./closed-objects.js";
import { contractFormatDefinitions, formatsSource } from "./formats.js";
import { addLengthKeywords } from "./length-keywords.js";
import type { ContractModel, JsonSchema } from "./load-spec.js";
import { contractRegExpEngine, patternsSource } from "./patterns.js";

// ajv and ajv-formats are CommonJS; under ESM their default export sits one level down.
const addFormats = addFormatsPlugin.default;
const standaloneCode = standaloneCodeModule.default;

export type ValidatorView = "strict" | "tolerant";

export function validatorName(messageName: string, view: ValidatorView): string {
  return `validate${messageName}${view === "strict" ? "Strict" : "Tolerant"}`;
}

/** The producer's view: every object schema closed with `additionalProperties: false`. */
export function strictSchema(schema: JsonSchema): JsonSchema {
  const close = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(close);
    if (!node || typeof node !== "object") return node;
    const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, close(v)]));
    if (copy.type === "object" && copy.additionalProperties === undefined) copy.additionalProperties = false;
    return copy;
  };
  return close(schema) as JsonSchema;
}

export function createContractAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true, // a rejected message lists every reason, not the first one
    strict: true,
    code: {
      source: true,
      esm: true,
      lines: true,
      optimize: true,
      formats: _`contractFormats`,
      regExp: contractRegExpEngine, // char-code checks for the contract's own patterns
    },
  });
  addFormats(ajv, { mode: "full" });
  for (const [name, definition] of Object.entries(contractFormatDefinitions)) ajv.addFormat(name, definition);
  addLengthKeywords(ajv); // \`.length\` before counting code points
  addClosedObjectKeyword(ajv); // unknown fields found by comparing names, not by hasOwnProperty
  return ajv;
}

export function emitValidators(model: ContractModel): GeneratedFile {
  const ajv = createContractAjv();
  const exportsByName: Record<string, string> = {};
  for (const channel of model.channels) {
    for (const view of ["strict", "tolerant"] as const) {
      const id = `urn:trading-platform:events:${channel.messageName}:${view}`;
      const schema = view === "strict" ? strictSchema(channel.payloadSchema) : channel.payloadSchema;
      ajv.addSchema({ ...schema, $id: id });
      exportsByName[validatorName(channel.messageName, view)] = id;
    }
  }
  const code = importRequires(standaloneCode(ajv, exportsByName));

  const typedExports = model.channels
    .flatMap((channel) =>
      (["strict", "tolerant"] as const).map((view) => {
        const name = validatorName(channel.messageName, view);
        return `export const ${name}: ContractValidator<${channel.messageName}> = ${name}Code;`;
      }),
    )
    .join("\n");
  const typeNames = [...new Set(model.channels.map((c) => c.messageName))].sort().join(", ");

  const contents = `${tsBanner(model)}// @ts-nocheck -- Ajv's standalone output is plain JavaScript; the typed exports are at the end.
import type { ErrorObject } from "ajv";
import type { ${typeNames} } from "./types.js";

/** A precompiled validator: a type guard whose \`errors\` list every reason after a failed call. */
export interface ContractValidator<T> {
  (data: unknown): data is T;
  errors?: ErrorObject[] | null;
}

${code.replace(/^export const (\w+) = /gm, "const $1Code = ")}

${typedExports}
`;
  return { path: "validators.ts", contents };
}

/**
 * Ajv's standalone output calls require() for its runtime helpers even when asked for ESM
 * (ajv-validator/ajv#2209). A require made with createRequire loads exactly what Ajv meant,
 * with none of the default-export interop differences between Node, Vite and bundlers.
 */
function importRequires(code: string): string {
  return [
    'import { createRequire } from "node:module";',
    "const require = createRequire(import.meta.url);",
    'const { fullFormats } = require("ajv-formats/dist/formats");',
    formatsSource,
    patternsSource,
    "const contractFormats = { ...fullFormats, ...contractFormatChecks };",
    code.replace(/^"use strict";\n?/, ""),
  ].join("\n");
}
