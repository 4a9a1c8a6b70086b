// Turns Ajv's error objects into short, readable reasons: a JSON pointer and a sentence.
import type { ErrorObject } from "ajv";

export interface ValidationReason {
  /** JSON pointer to the offending value; "" for the message as a whole. */
  readonly pointer: string;
  readonly message: string;
}

export function reasonsFromAjv(errors: readonly ErrorObject[] | null | undefined): ValidationReason[] {
  if (!errors || errors.length === 0) return [{ pointer: "", message: "is invalid" }];
  return errors.map(reasonFromAjv);
}

function reasonFromAjv(error: ErrorObject): ValidationReason {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { pointer: `${error.instancePath}/${String(params.missingProperty)}`, message: "is required" };
    case "additionalProperties":
      return {
        pointer: `${error.instancePath}/${String(params.additionalProperty)}`,
        message: "is not a field of the contract (producers may not send unknown fields)",
      };
    case "const":
      return { pointer: error.instancePath, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case "enum":
      return {
        pointer: error.instancePath,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    default:
      return { pointer: error.instancePath, message: error.message ?? `fails ${error.keyword}` };
  }
}

export function formatReasons(reasons: readonly ValidationReason[]): string[] {
  return reasons.map((r) => `${r.pointer || "/"}: ${r.message}`);
}
