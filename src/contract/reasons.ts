// Turns Ajv's error objects into reasons a person reads: a JSON pointer, a stable code and a sentence,
// both from the generated table that the Python package shares (generated/violations.ts).
import type { ErrorObject } from "ajv";
import {
  formatCodes,
  naiveDateTimePattern,
  patternCodes,
  signedDecimalPattern,
  typeWords,
  type ViolationCode,
  violationSentences,
} from "../../generated/violations.js";

export type { ViolationCode } from "../../generated/violations.js";

export interface ValidationReason {
  /** JSON pointer to the offending value; "" for the message as a whole. */
  readonly pointer: string;
  /** Stable code, the same in the Python package (`decimal.negative`, `timestamp.naive`). */
  readonly code: ViolationCode;
  /** The code's sentence with this case's values filled in. */
  readonly message: string;
}

/** A reason with its code's sentence; `values` fill the sentence's `{name}` slots. */
export function violation(
  pointer: string,
  code: ViolationCode,
  values: Readonly<Record<string, string | number>> = {},
): ValidationReason {
  const sentence: string = violationSentences[code];
  const message = sentence.replace(/\{(\w+)\}/g, (slot, name: string) => String(values[name] ?? slot));
  return { pointer, code, message };
}

/** One reason per Ajv error; `payload` is the checked value, whose offending parts refine some codes. */
export function reasonsFromAjv(
  errors: readonly ErrorObject[] | null | undefined,
  payload?: unknown,
): ValidationReason[] {
  if (!errors || errors.length === 0) return [violation("", "value.invalid", { keyword: "schema" })];
  return errors.map((error) => reasonFromAjv(error, payload));
}

const limitCodes: Readonly<Record<string, ViolationCode>> = {
  minimum: "integer.too_small",
  maximum: "integer.too_large",
  minLength: "string.too_short",
  maxLength: "string.too_long",
  minItems: "array.too_short",
  maxItems: "array.too_long",
};

function reasonFromAjv(error: ErrorObject, payload: unknown): ValidationReason {
  const params = error.params as Record<string, unknown>;
  const at = error.instancePath;
  const limitCode = limitCodes[error.keyword];
  if (limitCode !== undefined) return violation(at, limitCode, { limit: String(params.limit) });
  switch (error.keyword) {
    case "required":
      return violation(`${at}/${String(params.missingProperty)}`, "field.missing");
    case "additionalProperties":
      return violation(`${at}/${String(params.additionalProperty)}`, "field.unknown");
    case "type":
      return violation(at, "type.mismatch", { type: describeTypes(params.type) });
    case "const":
      return violation(at, "value.not_const", { expected: JSON.stringify(params.allowedValue) });
    case "enum":
      return violation(at, "value.not_in_enum", {
        allowed: (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", "),
      });
    case "pattern":
      return violation(at, ...patternCode(String(params.pattern), valueAt(payload, at)));
    case "format":
      return violation(at, ...formatCode(String(params.format), valueAt(payload, at)));
    default:
      return violation(at, "value.invalid", { keyword: error.keyword });
  }
}

type CodeAndValues = [ViolationCode, Record<string, string>];

function patternCode(pattern: string, value: unknown): CodeAndValues {
  const code = patternCodes[pattern];
  if (code === undefined) return ["pattern.mismatch", { pattern }];
  // Zero-or-more decimals: only a well-formed negative one is "negative"; anything else is no decimal.
  if (code === "decimal.negative" && !new RegExp(signedDecimalPattern).test(String(value))) {
    return ["decimal.invalid", {}];
  }
  return [code, {}];
}

function formatCode(format: string, value: unknown): CodeAndValues {
  const code = formatCodes[format];
  if (code === undefined) return ["format.invalid", { format }];
  if (code === "timestamp.invalid" && new RegExp(naiveDateTimePattern).test(String(value))) {
    return ["timestamp.naive", {}];
  }
  return [code, {}];
}

function describeTypes(type: unknown): string {
  const names = Array.isArray(type) ? type.map(String) : String(type).split(",");
  return names.map((name) => typeWords[name] ?? name).join(" or ");
}

/** The value a JSON pointer names inside `payload` (RFC 6901), or undefined. */
function valueAt(payload: unknown, pointer: string): unknown {
  let value = payload;
  for (const token of pointer.split("/").slice(1)) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[token.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return value;
}

/** One line per reason: `<pointer>: <sentence> [<code>]`. */
export function formatReasons(reasons: readonly ValidationReason[]): string[] {
  return reasons.map((r) => `${r.pointer || "/"}: ${r.message} [${r.code}]`);
}
