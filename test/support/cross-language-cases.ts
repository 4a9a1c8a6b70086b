// Wire messages for the cross-language test: spec-generated payloads (fast-check, fixed seed) with one
// mutation each, plus raw edge cases of JSON itself, each with the TypeScript verdicts, strict and tolerant.
import fc from "fast-check";
import { type ChannelName, channels } from "../../generated/index.js";
import { requireAddress } from "../../src/contract/addresses.js";
import { checkRawMessage } from "../../src/contract/validate.js";
import { validPayloadArbitrary } from "./payload-arbitraries.js";

export interface Verdict {
  ok: boolean;
  /** `[pointer, code]` of every violation. */
  violations: [string, string][];
}

export interface WireCase {
  id: string;
  address: string;
  /** The message's bytes, base64. */
  wire: string;
  strict: Verdict;
  tolerant: Verdict;
}

export function verdictOf(address: string, bytes: Uint8Array, view: "strict" | "tolerant"): Verdict {
  const { channel, parameters } = requireAddress(address);
  const result = checkRawMessage(channel, bytes, view, { parameters });
  return { ok: result.ok, violations: result.ok ? [] : result.reasons.map((r) => [r.pointer, r.code]) };
}

function wireCase(id: string, address: string, bytes: Uint8Array): WireCase {
  const wire = Buffer.from(bytes).toString("base64");
  return {
    id,
    address,
    wire,
    strict: verdictOf(address, bytes, "strict"),
    tolerant: verdictOf(address, bytes, "tolerant"),
  };
}

/** Values a field should meet sooner or later: near misses of every wire format, and every JSON type. */
const oddValues = fc.constantFrom<unknown>(
  ...["", "abc", "-1", "-0", "0E-8", "1.5e3", "1.5E+3", "01.50", " 1", "1 ", "NaN", "Infinity"],
  ...["2025-01-18T09:00:00", "2025-01-18 09:00:00Z", "2025-01-18T09:00:00+0500", "2025-01-18T24:00:00Z"],
  ...["2016-12-31T23:59:60Z", "2025-01-18T09:00:00.1234567+14:00", "2025-02-29", "2024-02-29", "2025-1-8"],
  ...["550E8400-E29B-41D4-A716-446655440000", "urn:uuid:550e8400-e29b-41d4-a716-446655440000", "550e8400"],
  ...["AA*", "BRK.B", "A".repeat(33), "a\n", "buy", "short", "price.updated", "signals.generated"],
  ...[0, -1, 1.5, 3, 2 ** 53, -(2 ** 53), 9007199254740991, -9007199254740991, 1e300, true, false, null],
  ...[[], ["AAPL"], [""], ["AAPL", 1], {}, { a: 1 }],
);

type Mutation =
  | { kind: "set"; field: string; value: unknown }
  | { kind: "drop"; field: string }
  | { kind: "add"; field: string; value: unknown }
  | { kind: "none" };

function mutationArbitrary(fields: string[]): fc.Arbitrary<Mutation> {
  const field = fc.constantFrom(...fields);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant("set" as const),
        field,
        value: fc.oneof(oddValues, fc.jsonValue({ maxDepth: 1 })),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("drop" as const), field }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("add" as const),
        field: fc.string({ maxLength: 8 }),
        value: fc.jsonValue({ maxDepth: 1 }),
      }),
    },
    { weight: 2, arbitrary: fc.constant({ kind: "none" as const }) },
  );
}

function mutate(payload: Record<string, unknown>, mutation: Mutation): Record<string, unknown> {
  const copy = { ...payload };
  if (mutation.kind === "set" || mutation.kind === "add") copy[mutation.field] = mutation.value;
  if (mutation.kind === "drop") delete copy[mutation.field];
  return copy;
}

/** `runs` mutated payloads per channel; the price address sometimes names another symbol than the payload's. */
export function generatedCases(runs: number, seed: number): WireCase[] {
  return (Object.keys(channels) as ChannelName[]).flatMap((channel) => {
    const fields = Object.keys(
      (channels[channel] as { examples: { payload: object }[] }).examples[0]?.payload ?? {},
    );
    const arbitrary = fc.tuple(validPayloadArbitrary(channel), mutationArbitrary(fields), fc.boolean());
    return fc.sample(arbitrary, { numRuns: runs, seed }).map(([payload, mutation, otherSymbol], index) => {
      const symbol = otherSymbol ? "MSFT" : String(payload.symbol);
      const address = channel === "price.updated.{symbol}" ? `price.updated.${symbol}` : channel;
      const bytes = Buffer.from(JSON.stringify(mutate(payload, mutation)), "utf8");
      return wireCase(`${channel} #${index} (${mutation.kind})`, address, bytes);
    });
  });
}

const PRICE = '"event_type":"price.updated","symbol":"AAPL","price":"1.5","timestamp":"2025-01-18T09:00:00Z"';
const SIGNAL =
  '"event_type":"signals.generated","timestamp":"2025-01-18T09:00:00Z","strategy_id":"s","symbols":["AAPL"],"as_of_date":"2025-01-17"';

/** JSON that parsers disagree on: each read as JSON.parse (secure-json-parse) reads it. */
export function rawEdgeCases(): WireCase[] {
  const text = (s: string) => Buffer.from(s, "utf8");
  const cases: [string, string, Uint8Array][] = [
    ["a BOM", "price.updated.AAPL", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text(`{${PRICE}}`)])],
    [
      "two BOMs",
      "price.updated.AAPL",
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), text(`{${PRICE}}`)]),
    ],
    ["an integer written 3.0", "signals.generated", text(`{${SIGNAL},"num_signals":3.0}`)],
    ["an integer written 1e2", "signals.generated", text(`{${SIGNAL},"num_signals":1e2}`)],
    ["an integer written 1E400", "signals.generated", text(`{${SIGNAL},"num_signals":1E400}`)],
    [
      "an integer past 2^53 that rounds",
      "signals.generated",
      text(`{${SIGNAL},"num_signals":9007199254740993}`),
    ],
    ["-0 as an integer", "signals.generated", text(`{${SIGNAL},"num_signals":-0}`)],
    ["NaN", "price.updated.AAPL", text(`{${PRICE},"x":NaN}`)],
    ["Infinity", "price.updated.AAPL", text(`{${PRICE},"x":-Infinity}`)],
    ["a __proto__ key", "price.updated.AAPL", text(`{${PRICE},"__proto__":{"a":1}}`)],
    ["an escaped __proto__ key", "price.updated.AAPL", text(`{${PRICE},"\\u005f_proto__":1}`)],
    [
      "constructor.prototype in an array",
      "price.updated.AAPL",
      text(`{${PRICE},"x":[{"constructor":{"prototype":1}}]}`),
    ],
    ["a constructor without prototype", "price.updated.AAPL", text(`{${PRICE},"constructor":{"a":1}}`)],
    [
      "a lone surrogate escape",
      "signals.generated",
      text(`{${SIGNAL.replace('"s"', '"\\ud800"')},"num_signals":1}`),
    ],
    [
      "a raw control character in a string",
      "signals.generated",
      text(`{${SIGNAL.replace('"s"', '"a\tb"')},"num_signals":1}`),
    ],
    ["a duplicate key, the last one valid", "price.updated.AAPL", text(`{"price":"-1",${PRICE}}`)],
    ["a duplicate key, the last one invalid", "price.updated.AAPL", text(`{${PRICE},"price":"-1"}`)],
    ["trailing garbage", "price.updated.AAPL", text(`{${PRICE}} x`)],
    ["whitespace only", "price.updated.AAPL", text(" \t\r\n")],
    ["no-break spaces only", "price.updated.AAPL", text("\u00a0\u3000")],
    ["an array", "price.updated.AAPL", text(`[{${PRICE}}]`)],
    ["null", "price.updated.AAPL", text("null")],
    [
      "invalid UTF-8 in a string",
      "price.updated.AAPL",
      Buffer.concat([text(`{${PRICE},"x":"`), Buffer.from([0xc3, 0x28]), text('"}')]),
    ],
    [
      "an overlong UTF-8 encoding",
      "price.updated.AAPL",
      Buffer.concat([text(`{${PRICE},"x":"`), Buffer.from([0xc0, 0xaf]), text('"}')]),
    ],
  ];
  return cases.map(([id, address, bytes]) => wireCase(id, address, bytes));
}
