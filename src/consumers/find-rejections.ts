// Part (a) of the consumer check: messages the contract allows that a consumer rejects. Each field
// the consumer's rules constrain is tried with candidate values in every example of the channel;
// a message counts only when the producers' validator accepts it and the consumer's rules refuse
// it. One message per field and rule, the one that breaks that rule alone when there is one.
import type { ErrorObject, ValidateFunction } from "ajv";
import { isObject, type Json, type JsonObject } from "../contract/compatibility/spec-document.js";
import { addressOf, type ContractChannel, valueAt } from "./contract-channels.js";
import { ABSENT, type Candidate, fieldCandidates, ruleFields } from "./field-candidates.js";

export interface Rejection {
  /** The field the consumer's rule is on (`/symbol`). */
  readonly field: string;
  /** The rule's keyword (`maxLength`, `pattern`, `not`, `required`…). */
  readonly rule: string;
  /** Why the consumer rejects it, in Ajv's words. */
  readonly reason: string;
  /** The concrete address and message: valid for the contract, rejected by the consumer. */
  readonly address: string;
  readonly message: Json;
}

export function findRejections(
  channel: ContractChannel,
  rules: JsonObject,
  accepts: ValidateFunction,
): Rejection[] {
  const best = new Map<string, { rejection: Rejection; errors: number }>();
  for (const field of ruleFields(rules)) {
    const seeds = channel.examples.map((e) => valueAt(e, field)).filter((v) => v !== undefined) as Json[];
    const candidates = fieldCandidates(schemaAt(channel.payload, field), schemaAt(rules, field), seeds);
    for (const example of channel.examples) {
      for (const candidate of candidates) {
        const message = withValue(example, field, candidate);
        if (message === undefined || accepts(message) || !channel.producersMaySend(message)) continue;
        const errors = accepts.errors ?? [];
        for (const error of errors) {
          const rejection = toRejection(channel, message, error);
          const key = `${rejection.field}\u0000${rejection.rule}`;
          const known = best.get(key);
          if (!known || errors.length < known.errors) best.set(key, { rejection, errors: errors.length });
        }
      }
    }
  }
  return [...best.values()].map((b) => b.rejection).sort((a, b) => order(a).localeCompare(order(b)));
}

const order = (r: Rejection) => `${r.field}\u0000${r.rule}`;

function toRejection(channel: ContractChannel, message: Json, error: ErrorObject): Rejection {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const field =
    error.keyword === "required" && missing ? `${error.instancePath}/${missing}` : error.instancePath;
  return {
    field: field || "/",
    rule: error.keyword,
    reason: `${field || "the payload"} ${describeError(error)}`,
    address: addressOf(channel, message) ?? channel.address,
    message,
  };
}

function describeError(error: ErrorObject): string {
  // Ajv says only "must NOT be valid" for `not`: name what it must not match.
  if (error.keyword === "not") return `must not match ${JSON.stringify(error.schema)}`;
  return error.message ?? error.keyword;
}

/** The schema a pointer leads to through `properties` and `items` (`{}` where it says nothing). */
export function schemaAt(schema: JsonObject, pointer: string): JsonObject {
  let node: Json = schema;
  for (const segment of pointer.split("/").slice(1)) {
    if (!isObject(node)) return {};
    const properties: Json = isObject(node.properties) ? node.properties : {};
    node =
      /^\d+$/.test(segment) && node.items !== undefined
        ? node.items
        : ((properties as JsonObject)[segment] ?? {});
  }
  return isObject(node) ? node : {};
}

/** A copy of the example with the field set (or left out); undefined when the field's parent is missing. */
function withValue(example: Json, pointer: string, value: Candidate): Json | undefined {
  const copy = structuredClone(example);
  const segments = pointer.split("/").slice(1);
  const last = segments.pop() as string;
  const parent = segments.length === 0 ? copy : valueAt(copy, `/${segments.join("/")}`);
  if (!isObject(parent) && !Array.isArray(parent)) return undefined;
  const target = parent as Record<string, Json>;
  if (value === ABSENT) {
    if (!(last in target)) return undefined;
    delete target[last];
  } else {
    if (Array.isArray(parent) && Number(last) >= parent.length) return undefined;
    target[last] = value;
  }
  return copy;
}
