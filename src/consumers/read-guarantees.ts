// Part (b) of the consumer check: fields a consumer reads that the contract does not guarantee.
// A field is guaranteed when it and every object above it are required and none of them may be null.
import { isObject, type Json, type JsonObject } from "../contract/compatibility/spec-document.js";
import { type ContractChannel, valueAt } from "./contract-channels.js";

export type Unguaranteed = "absent" | "optional" | "nullable";

export interface UnguaranteedRead {
  readonly field: string;
  /** `absent`: the contract has no such field; `optional`: it may be left out; `nullable`: it may be null. */
  readonly rule: Unguaranteed;
  readonly reason: string;
  /** A message producers may send without a usable value, when one was found (never for `absent`). */
  readonly example?: Json;
}

export function unguaranteedReads(channel: ContractChannel, reads: readonly string[]): UnguaranteedRead[] {
  return reads.flatMap((field) => {
    const problems = guaranteeOf(channel.payload, field);
    return problems.map((rule): UnguaranteedRead => {
      const example = exampleWithout(channel, field, rule);
      return { field, rule, reason: REASONS[rule](field), ...(example !== undefined ? { example } : {}) };
    });
  });
}

const REASONS: Record<Unguaranteed, (field: string) => string> = {
  absent: (f) => `${f} is not in the contract: no producer is held to send it`,
  optional: (f) => `${f} is optional in the contract: producers may leave it out`,
  nullable: (f) => `${f} may be null in the contract`,
};

function guaranteeOf(payload: JsonObject, pointer: string): Unguaranteed[] {
  let node: Json = payload;
  const problems = new Set<Unguaranteed>();
  for (const segment of pointer.split("/").slice(1)) {
    if (!isObject(node)) return ["absent"];
    if (/^\d+$/.test(segment) && isObject(node.items)) {
      // An array element exists only if the array has that many: the contract's minItems says.
      if (!(typeof node.minItems === "number" && node.minItems > Number(segment))) problems.add("optional");
      node = node.items;
      continue;
    }
    const properties: JsonObject = isObject(node.properties) ? node.properties : {};
    if (!Object.hasOwn(properties, segment)) return ["absent"];
    const required = Array.isArray(node.required) ? node.required.map(String) : [];
    if (!required.includes(segment)) problems.add("optional");
    node = properties[segment] as Json;
    const type = isObject(node) ? node.type : undefined;
    if (type === "null" || (Array.isArray(type) && type.includes("null"))) problems.add("nullable");
  }
  return [...problems];
}

/** An example with the field left out (optional) or null (nullable) that producers may send. */
function exampleWithout(channel: ContractChannel, pointer: string, rule: Unguaranteed): Json | undefined {
  if (rule === "absent") return undefined;
  for (const example of channel.examples) {
    const copy = structuredClone(example);
    const segments = pointer.split("/").slice(1);
    const last = segments.pop() as string;
    const parent = segments.length === 0 ? copy : valueAt(copy, `/${segments.join("/")}`);
    if (!isObject(parent)) continue;
    if (rule === "optional") delete parent[last];
    else parent[last] = null;
    if (channel.producersMaySend(copy)) return copy;
  }
  return undefined;
}
