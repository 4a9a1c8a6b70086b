// Values to try in one payload field when looking for a message the contract allows and a consumer
// rejects: the field's values in the spec's examples, then edits of them a producer could plausibly
// send (joined with punctuation, other case, zeroed digits, the bounds of both schemas), then null
// and absence. Ordered so that the first hit reads like a real message (`SPY/AAPL`, `0`).
import { isObject, type Json, type JsonObject } from "../contract/compatibility/spec-document.js";

/** Marks "leave the field out" among the candidates. */
export const ABSENT = Symbol("absent");
export type Candidate = Json | typeof ABSENT;

const PUNCTUATION = [..." !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"];
const DECIMALS = ["0", "-0", "0.0", "0E-8", "1", "-1", "0.0001", "1E+3", "1E-8"];

export function fieldCandidates(contract: JsonObject, rule: JsonObject, seeds: readonly Json[]): Candidate[] {
  const strings = seeds.filter((s): s is string => typeof s === "string");
  const numbers = seeds.filter((s): s is number => typeof s === "number");
  const out: Candidate[] = [...seeds, ...listed(contract), ...listed(rule)];
  if (strings.length > 0 || typeOf(contract).has("string"))
    out.push(...stringCandidates(strings, contract, rule));
  if (numbers.length > 0 || typeOf(contract).has("number") || typeOf(contract).has("integer"))
    out.push(...numberCandidates(numbers, contract, rule));
  if (seeds.some(Array.isArray)) out.push([]);
  out.push(true, false, null, ABSENT);
  return unique(out);
}

function typeOf(schema: JsonObject): Set<string> {
  const type = schema.type;
  return new Set((Array.isArray(type) ? type : type === undefined ? [] : [type]).map(String));
}

/** Values a schema names (`enum`, `const`): the contract's are all values producers may send. */
function listed(rule: JsonObject): Json[] {
  return [...(Array.isArray(rule.enum) ? rule.enum : []), ...(rule.const !== undefined ? [rule.const] : [])];
}

function stringCandidates(seeds: string[], contract: JsonObject, rule: JsonObject): string[] {
  const base = seeds.length > 0 ? [...seeds].sort((a, b) => a.length - b.length) : ["A"];
  const out: string[] = [];
  if (base.some((s) => /^-?[0-9]/.test(s)))
    out.push(...DECIMALS, ...base.map((s) => s.replace(/[1-9]/g, "0")));
  for (const first of base)
    for (const c of PUNCTUATION)
      for (const second of base) if (second !== first) out.push(`${first}${c}${second}`);
  for (const s of base) out.push(s.toLowerCase(), s.toUpperCase());
  for (const s of base)
    for (const c of [...PUNCTUATION, "a", "A", "0"])
      out.push(`${s.slice(0, 1)}${c}${s.slice(1)}`, `${s}${c}`);
  const lengths = [contract.maxLength, rule.maxLength, contract.minLength, rule.minLength, 1, 0];
  for (const bound of lengths) {
    if (typeof bound !== "number") continue;
    for (const n of [bound, bound + 1, bound - 1])
      if (n >= 0 && n <= 4096) out.push(...base.map((s) => ofLength(s, n)));
  }
  return out;
}

/** The seed cut or padded with its own last character to `n` characters: `SPY` → `SPYYYY…`. */
function ofLength(seed: string, n: number): string {
  if (seed.length >= n) return seed.slice(0, n);
  return seed + (seed.at(-1) ?? "A").repeat(n - seed.length);
}

function numberCandidates(seeds: number[], contract: JsonObject, rule: JsonObject): number[] {
  const out = [...seeds, 0, 1, -1, 0.5];
  for (const schema of [contract, rule]) {
    for (const keyword of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]) {
      const bound = schema[keyword];
      if (typeof bound === "number") out.push(bound, bound - 1, bound + 1, bound - 0.5, bound + 0.5);
    }
  }
  return out;
}

function unique(values: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v === ABSENT ? "\u0000absent" : JSON.stringify(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The fields a consumer's rule constrains, as JSON pointers: its `properties` and `required`, nested. */
export function ruleFields(rule: JsonObject, at = ""): string[] {
  const fields: string[] = [];
  const properties = isObject(rule.properties) ? rule.properties : {};
  const required = Array.isArray(rule.required) ? rule.required.map(String) : [];
  for (const name of new Set([...Object.keys(properties), ...required])) {
    const pointer = `${at}/${name}`;
    fields.push(pointer);
    const inner = properties[name];
    if (isObject(inner)) fields.push(...ruleFields(inner, pointer));
  }
  if (isObject(rule.items)) fields.push(`${at}/0`, ...ruleFields(rule.items, `${at}/0`));
  return fields;
}
