// Compiles a consumer's own rules (a manifest's `accepts`) into a validator. Formats as the
// contract's: ajv-formats with the package's exact RFC 3339 date-time. Verbose, so that a `not`
// rule's error can show the schema it refers to.
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";
import { rfc3339DateTime } from "../contract/compatibility/rfc3339.js";
import type { JsonObject } from "../contract/compatibility/spec-document.js";

// ajv-formats is CommonJS; under ESM its default export sits one level down.
const addFormats = addFormatsPlugin.default;

let ajv: Ajv | undefined;

/** Throws Ajv's error when the rules are not a JSON Schema Ajv can compile. */
export function compileConsumerRules(rules: JsonObject): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
    addFormats(ajv, { mode: "full" });
    ajv.addFormat("date-time", { type: "string", validate: rfc3339DateTime });
  }
  return ajv.compile(rules);
}
