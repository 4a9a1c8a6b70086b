// Every rule of the contract reports a stable code and a plain sentence (generated/violations.ts, the
// table the Python package shares), never Ajv's raw text.
import { describe, expect, it } from "vitest";
import { type ChannelName, channels, violationSentences } from "../../generated/index.js";
import { checkPayload, checkRawMessage } from "../../src/contract/validate.js";

const price = {
  event_type: "price.updated",
  symbol: "AAPL",
  price: "1.5",
  timestamp: "2025-01-18T09:00:00Z",
};
const signal = channels["signals.generated"].examples[0]?.payload as Record<string, unknown>;
const order = channels["orders.executed"].examples[0]?.payload as Record<string, unknown>;
const position = channels["positions.updated"].examples[0]?.payload as Record<string, unknown>;

const cases: [string, ChannelName, unknown, [string, string, string]][] = [
  [
    "a negative price",
    "price.updated.{symbol}",
    { ...price, price: "-1" },
    ["/price", "decimal.negative", "must be zero or more"],
  ],
  [
    "a price that is no decimal",
    "price.updated.{symbol}",
    { ...price, price: "1e5" },
    ["/price", "decimal.invalid", violationSentences["decimal.invalid"]],
  ],
  [
    "a bid that is no decimal",
    "price.updated.{symbol}",
    { ...price, bid: "abc" },
    ["/bid", "decimal.invalid", violationSentences["decimal.invalid"]],
  ],
  [
    "a naive timestamp",
    "price.updated.{symbol}",
    { ...price, timestamp: "2025-01-18T09:00:00" },
    ["/timestamp", "timestamp.naive", violationSentences["timestamp.naive"]],
  ],
  [
    "a timestamp with a space",
    "price.updated.{symbol}",
    { ...price, timestamp: "2025-01-18 09:00:00Z" },
    ["/timestamp", "timestamp.invalid", violationSentences["timestamp.invalid"]],
  ],
  [
    "a glob in the symbol",
    "price.updated.{symbol}",
    { ...price, symbol: "AA*" },
    ["/symbol", "ticker.invalid", violationSentences["ticker.invalid"]],
  ],
  [
    "a number for a string",
    "price.updated.{symbol}",
    { ...price, price: 1.5 },
    ["/price", "type.mismatch", "must be a string"],
  ],
  [
    "a string for a nullable integer",
    "price.updated.{symbol}",
    { ...price, volume: "x" },
    ["/volume", "type.mismatch", "must be an integer or null"],
  ],
  [
    "a missing field",
    "price.updated.{symbol}",
    { ...price, timestamp: undefined },
    ["/timestamp", "field.missing", "is required"],
  ],
  [
    "another event_type",
    "signals.generated",
    { ...signal, event_type: "x" },
    ["/event_type", "value.not_const", 'must be "signals.generated"'],
  ],
  [
    "no symbols",
    "signals.generated",
    { ...signal, symbols: [] },
    ["/symbols", "array.too_short", "must have at least 1 item(s)"],
  ],
  [
    "an impossible date",
    "signals.generated",
    { ...signal, as_of_date: "2025-02-30" },
    ["/as_of_date", "date.invalid", violationSentences["date.invalid"]],
  ],
  [
    "an empty strategy",
    "orders.executed",
    { ...order, strategy_id: "" },
    ["/strategy_id", "string.too_short", "must have at least 1 character(s)"],
  ],
  [
    "a negative count",
    "orders.executed",
    { ...order, num_orders: -1 },
    ["/num_orders", "integer.too_small", "must be 0 or more"],
  ],
  [
    "a count past 2^53-1",
    "orders.executed",
    { ...order, num_orders: 2 ** 53 },
    ["/num_orders", "integer.too_large", "must be 9007199254740991 or less"],
  ],
  [
    "a run_id that is no UUID",
    "orders.executed",
    { ...order, run_id: "run-1" },
    ["/run_id", "uuid.invalid", violationSentences["uuid.invalid"]],
  ],
  [
    "an action of short",
    "positions.updated",
    { ...position, action: "short" },
    ["/action", "value.not_in_enum", 'must be one of "buy", "sell", "fill", "partial_fill"'],
  ],
];

describe("violation codes and sentences", () => {
  it.each(cases)("%s", (_name, channel, payload, [pointer, code, message]) => {
    const result = checkPayload(channel, JSON.parse(JSON.stringify(payload)), "tolerant");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reasons).toContainEqual({ pointer, code, message });
  });

  it("names raw-message problems with their own codes", () => {
    const codeOf = (raw: string | Uint8Array, maxBytes?: number) => {
      const result = checkRawMessage(
        "signals.generated",
        raw,
        "tolerant",
        maxBytes === undefined ? {} : { maxBytes },
      );
      return result.ok ? undefined : result.reasons.map((r) => r.code);
    };
    expect(codeOf("{")).toEqual(["message.not_json"]);
    expect(codeOf("prototype")).toEqual(["message.not_json"]);
    expect(codeOf(" ")).toEqual(["message.empty"]);
    expect(codeOf(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual(["message.not_utf8"]);
    expect(codeOf('{"__proto__":{}}')).toEqual(["message.forbidden_key"]);
    expect(codeOf("{}", 1)).toEqual(["message.too_large"]);
    expect(codeOf("[]")).toEqual(["type.mismatch"]);
  });

  it("has a sentence for every code and no slot left unfilled in a reported sentence", () => {
    for (const [, channel, payload] of cases) {
      const result = checkPayload(channel, JSON.parse(JSON.stringify(payload)), "tolerant");
      if (!result.ok) for (const reason of result.reasons) expect(reason.message).not.toMatch(/\{\w+\}/);
    }
  });
});
