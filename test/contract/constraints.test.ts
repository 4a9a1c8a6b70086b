// The negative table: every constraint of every field, broken one at a time, each with the
// pointer it must be reported at. Plus the positive table of wire forms that must be accepted.
import { describe, expect, it } from "vitest";
import { type ChannelName, channels } from "../../generated/index.js";
import { checkPayload } from "../../src/contract/validate.js";
import { firstExample } from "../support/examples.js";

const MAX_SAFE = 9007199254740991;
const base = firstExample;

type Case = [name: string, channel: ChannelName, change: Record<string, unknown>, pointer: string];

const set = (field: string, value: unknown) => ({ [field]: value });
const drop = (field: string) => ({ [field]: undefined });

/** Cases shared by every channel's common fields. */
function commonCases(channel: ChannelName, eventType: string): Case[] {
  return [
    [`${channel}: event_type missing`, channel, drop("event_type"), "/event_type"],
    [
      `${channel}: event_type of another channel`,
      channel,
      set("event_type", "orders.executed.x"),
      "/event_type",
    ],
    [`${channel}: event_type not a string`, channel, set("event_type", 1), "/event_type"],
    [
      `${channel}: event_type with trailing space`,
      channel,
      set("event_type", `${eventType} `),
      "/event_type",
    ],
    [`${channel}: timestamp missing`, channel, drop("timestamp"), "/timestamp"],
    [`${channel}: timestamp naive`, channel, set("timestamp", "2025-01-18T09:00:00"), "/timestamp"],
    [
      `${channel}: timestamp naive with micros`,
      channel,
      set("timestamp", "2025-01-18T09:00:00.123456"),
      "/timestamp",
    ],
    [
      `${channel}: timestamp offset without minutes`,
      channel,
      set("timestamp", "2025-01-18T09:00:00+05"),
      "/timestamp",
    ],
    [
      `${channel}: timestamp offset without colon`,
      channel,
      set("timestamp", "2025-01-18T09:00:00+0500"),
      "/timestamp",
    ],
    [`${channel}: timestamp a date only`, channel, set("timestamp", "2025-01-18"), "/timestamp"],
    [`${channel}: timestamp impossible day`, channel, set("timestamp", "2025-02-30T09:00:00Z"), "/timestamp"],
    [
      `${channel}: timestamp impossible hour`,
      channel,
      set("timestamp", "2025-01-18T25:00:00Z"),
      "/timestamp",
    ],
    [
      `${channel}: timestamp second 60 mid-minute`,
      channel,
      set("timestamp", "2025-01-18T09:00:60Z"),
      "/timestamp",
    ],
    [`${channel}: timestamp hour 24`, channel, set("timestamp", "2025-01-18T24:00:00Z"), "/timestamp"],
    [
      `${channel}: timestamp offset hour 24`,
      channel,
      set("timestamp", "2025-01-18T09:00:00+24:00"),
      "/timestamp",
    ],
    [
      `${channel}: timestamp Feb 29 of a common year`,
      channel,
      set("timestamp", "2023-02-29T09:00:00Z"),
      "/timestamp",
    ],
    [`${channel}: timestamp month 00`, channel, set("timestamp", "2025-00-10T09:00:00Z"), "/timestamp"],
    [
      `${channel}: timestamp space separator`,
      channel,
      set("timestamp", "2025-01-18 09:00:00Z"),
      "/timestamp",
    ],
    [`${channel}: timestamp as epoch number`, channel, set("timestamp", 1737190800), "/timestamp"],
    [`${channel}: timestamp free text`, channel, set("timestamp", "yesterday"), "/timestamp"],
    [`${channel}: event_id not a UUID`, channel, set("event_id", "abc"), "/event_id"],
    [`${channel}: event_id a number`, channel, set("event_id", 42), "/event_id"],
  ];
}

function tickerCases(
  channel: ChannelName,
  field: string,
  wrap: (v: unknown) => unknown,
  pointer: string,
): Case[] {
  const bad: [string, unknown][] = [
    ["a glob star", "AA*"],
    ["a glob question mark", "AA?L"],
    ["a glob bracket", "AA[PL]"],
    ["a closing bracket", "AAPL]"],
    ["a backslash", "AA\\PL"],
    ["a space", "AA PL"],
    ["a tab", "AA\tPL"],
    ["a newline", "AAPL\n"],
    ["a control character", "AA\u0001PL"],
    ["empty", ""],
    ["33 characters", "A".repeat(33)],
    ["a leading dot", ".AAPL"],
    ["a number", 42],
  ];
  return bad.map(([what, value]) => [
    `${channel}: ${field} with ${what}`,
    channel,
    set(field, wrap(value)),
    pointer,
  ]);
}

function countCases(channel: ChannelName, field: string): Case[] {
  return [
    [`${channel}: ${field} missing`, channel, drop(field), `/${field}`],
    [`${channel}: ${field} negative`, channel, set(field, -1), `/${field}`],
    [`${channel}: ${field} fractional`, channel, set(field, 1.5), `/${field}`],
    [`${channel}: ${field} above 2^53-1`, channel, set(field, MAX_SAFE + 1), `/${field}`],
    [`${channel}: ${field} a numeric string`, channel, set(field, "3"), `/${field}`],
    [`${channel}: ${field} null`, channel, set(field, null), `/${field}`],
  ];
}

function quantityCases(channel: ChannelName, field: string): Case[] {
  return [
    [`${channel}: ${field} missing`, channel, drop(field), `/${field}`],
    [`${channel}: ${field} fractional`, channel, set(field, 0.5), `/${field}`],
    [`${channel}: ${field} above 2^53-1`, channel, set(field, MAX_SAFE + 1), `/${field}`],
    [`${channel}: ${field} below -(2^53-1)`, channel, set(field, -MAX_SAFE - 1), `/${field}`],
    [`${channel}: ${field} a string`, channel, set(field, "100"), `/${field}`],
  ];
}

function decimalCases(channel: ChannelName, field: string): Case[] {
  const bad: [string, unknown][] = [
    ["letters", "abc"],
    ["a JSON number", 150.25],
    ["a comma", "150,25"],
    ["NaN", "NaN"],
    ["Infinity", "Infinity"],
    ["a lowercase exponent", "1e-7"],
    ["an unsigned exponent", "1E7"],
    ["a leading dot", ".5"],
    ["a trailing dot", "5."],
    ["a plus sign", "+1"],
    ["spaces", " 1.5"],
    ["empty", ""],
    ["65 characters", "1".repeat(65)],
  ];
  return [
    [`${channel}: ${field} missing`, channel, drop(field), `/${field}`],
    ...bad.map(
      ([what, value]): Case => [`${channel}: ${field} with ${what}`, channel, set(field, value), `/${field}`],
    ),
  ];
}

function strategyCases(channel: ChannelName): Case[] {
  return [
    [`${channel}: strategy_id missing`, channel, drop("strategy_id"), "/strategy_id"],
    [`${channel}: strategy_id empty`, channel, set("strategy_id", ""), "/strategy_id"],
    [
      `${channel}: strategy_id over 256 characters`,
      channel,
      set("strategy_id", "s".repeat(257)),
      "/strategy_id",
    ],
    [`${channel}: strategy_id a number`, channel, set("strategy_id", 7), "/strategy_id"],
  ];
}

const negativeCases: Case[] = [
  ...commonCases("signals.generated", "signals.generated"),
  ...strategyCases("signals.generated"),
  ["signals.generated: symbols missing", "signals.generated", drop("symbols"), "/symbols"],
  ["signals.generated: symbols empty", "signals.generated", set("symbols", []), "/symbols"],
  ["signals.generated: symbols a string", "signals.generated", set("symbols", "AAPL"), "/symbols"],
  [
    "signals.generated: symbols over 10000",
    "signals.generated",
    set("symbols", Array(10001).fill("A")),
    "/symbols",
  ],
  ...tickerCases("signals.generated", "symbols", (v) => ["MSFT", v], "/symbols/1"),
  ...countCases("signals.generated", "num_signals"),
  ["signals.generated: as_of_date missing", "signals.generated", drop("as_of_date"), "/as_of_date"],
  [
    "signals.generated: as_of_date a date-time",
    "signals.generated",
    set("as_of_date", "2025-01-17T00:00:00Z"),
    "/as_of_date",
  ],
  [
    "signals.generated: as_of_date compact",
    "signals.generated",
    set("as_of_date", "20250117"),
    "/as_of_date",
  ],
  [
    "signals.generated: as_of_date month 13",
    "signals.generated",
    set("as_of_date", "2025-13-01"),
    "/as_of_date",
  ],
  [
    "signals.generated: as_of_date Feb 29 of 2025",
    "signals.generated",
    set("as_of_date", "2025-02-29"),
    "/as_of_date",
  ],

  ...commonCases("orders.executed", "orders.executed"),
  ...strategyCases("orders.executed"),
  ["orders.executed: run_id missing", "orders.executed", drop("run_id"), "/run_id"],
  ["orders.executed: run_id not a UUID", "orders.executed", set("run_id", "run-42"), "/run_id"],
  [
    "orders.executed: run_id a UUID without dashes",
    "orders.executed",
    set("run_id", "550e8400e29b41d4a716446655440000"),
    "/run_id",
  ],
  ["orders.executed: run_id a number", "orders.executed", set("run_id", 42), "/run_id"],
  ...countCases("orders.executed", "num_orders"),
  ...countCases("orders.executed", "num_accepted"),
  ...countCases("orders.executed", "num_rejected"),

  ...commonCases("positions.updated", "positions.updated"),
  ...strategyCases("positions.updated"),
  ["positions.updated: symbol missing", "positions.updated", drop("symbol"), "/symbol"],
  ...tickerCases("positions.updated", "symbol", (v) => v, "/symbol"),
  ["positions.updated: action missing", "positions.updated", drop("action"), "/action"],
  ["positions.updated: action short", "positions.updated", set("action", "short"), "/action"],
  ["positions.updated: action in capitals", "positions.updated", set("action", "BUY"), "/action"],
  ["positions.updated: action a number", "positions.updated", set("action", 1), "/action"],
  ...quantityCases("positions.updated", "qty_change"),
  ...quantityCases("positions.updated", "new_qty"),
  ...decimalCases("positions.updated", "price"),

  ...commonCases("price.updated.{symbol}", "price.updated"),
  [
    "price.updated: event_type with the symbol",
    "price.updated.{symbol}",
    set("event_type", "price.updated.AAPL"),
    "/event_type",
  ],
  ["price.updated: symbol missing", "price.updated.{symbol}", drop("symbol"), "/symbol"],
  ...tickerCases("price.updated.{symbol}", "symbol", (v) => v, "/symbol"),
  ...decimalCases("price.updated.{symbol}", "price"),
  ["price.updated: price negative", "price.updated.{symbol}", set("price", "-0.01"), "/price"],
  ["price.updated: price negative with exponent", "price.updated.{symbol}", set("price", "-1E+2"), "/price"],
  ["price.updated: price negative zero point one", "price.updated.{symbol}", set("price", "-0.1"), "/price"],
];

function applyChange<C extends ChannelName>(channel: C, change: Record<string, unknown>): unknown {
  const payload: Record<string, unknown> = { ...(base(channel) as object) };
  for (const [field, value] of Object.entries(change)) {
    if (value === undefined) delete payload[field];
    else payload[field] = value;
  }
  return payload;
}

describe("every constraint of every field", () => {
  it.each(negativeCases)("%s is rejected at its pointer", (_name, channel, change, pointer) => {
    const payload = applyChange(channel, change);
    for (const view of ["strict", "tolerant"] as const) {
      const result = checkPayload(channel, payload, view);
      expect(result.ok, view).toBe(false);
      if (!result.ok) expect(result.reasons.map((r) => r.pointer)).toContain(pointer);
    }
  });

  it.each([
    ["an array", []],
    ["null", null],
    ["a string", "signals.generated"],
    ["a number", 1],
    ["a boolean", true],
  ])("a payload that is %s is rejected", (_name, payload) => {
    for (const channel of Object.keys(channels) as ChannelName[]) {
      expect(checkPayload(channel, payload, "tolerant").ok).toBe(false);
    }
  });

  it.each(Object.keys(channels) as ChannelName[])(
    "%s: an unknown field is an error for producers only",
    (channel) => {
      const payload = { ...(base(channel) as object), venue: "XNAS" };
      expect(checkPayload(channel, payload, "tolerant").ok).toBe(true);
      const strict = checkPayload(channel, payload, "strict");
      expect(strict.ok).toBe(false);
      if (!strict.ok)
        expect(strict.reasons).toEqual([
          { pointer: "/venue", code: "field.unknown", message: expect.stringContaining("not a field") },
        ]);
    },
  );

  it("lists every reason, not just the first", () => {
    const result = checkPayload(
      "orders.executed",
      { event_type: "orders.executed", num_orders: -1 },
      "tolerant",
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reasons.map((r) => r.pointer).sort()).toEqual(
        ["/num_accepted", "/num_orders", "/num_rejected", "/run_id", "/strategy_id", "/timestamp"].sort(),
      );
    }
  });

  it("rejects a price payload whose symbol differs from the channel's", () => {
    const result = checkPayload("price.updated.{symbol}", base("price.updated.{symbol}"), "tolerant", {
      symbol: "MSFT",
    });
    expect(result).toEqual({
      ok: false,
      reasons: [
        {
          pointer: "/symbol",
          code: "parameter.mismatch",
          message: 'must equal the channel\'s symbol "MSFT", not "AAPL"',
        },
      ],
    });
  });
});

describe("wire forms that must be accepted", () => {
  // Every form Python's Decimal.__str__ gives for a finite value (checked with CPython 3.11):
  // plain, scientific with a signed upper-case exponent, negative zero, zero with an exponent.
  const pythonDecimals = [
    "150.25",
    "0.0001",
    "1E-8",
    "1E+3",
    "1.5E+3",
    "0E-8",
    "1.0",
    "0",
    "100",
    "1E+2",
    "123456789012345678901234567890",
    "0.3333333333333333333333333333",
    "1E+1000",
    "1.23E-10",
    "-0",
    "-0.00",
    "-0E+3",
  ];
  it.each(pythonDecimals)("price %s (a Decimal.__str__ form) is accepted on both channels", (price) => {
    expect(checkPayload("positions.updated", { ...base("positions.updated"), price }, "strict").ok).toBe(
      true,
    );
    expect(
      checkPayload("price.updated.{symbol}", { ...base("price.updated.{symbol}"), price }, "strict").ok,
    ).toBe(true);
  });

  it.each(["-150.25", "-1E-8", "-0.0001"])("a negative position price %s is accepted", (price) => {
    expect(checkPayload("positions.updated", { ...base("positions.updated"), price }, "strict").ok).toBe(
      true,
    );
  });

  it.each([
    "2025-01-18T09:00:00Z",
    "2025-01-18T09:00:00+00:00",
    "2025-01-18T14:30:05.123456Z",
    "2025-01-18T14:30:05.123456+00:00",
    "2025-01-18T09:30:00-05:00",
    "2025-01-18T09:30:00.5+05:30",
    "2016-12-31T23:59:60Z",
    "2024-02-29T12:00:00Z",
    "2000-02-29T12:00:00Z",
    "2025-01-18t09:00:00z",
    "2025-01-18T09:00:00.123456789-11:30",
  ])("timestamp %s is accepted", (timestamp) => {
    for (const channel of Object.keys(channels) as ChannelName[]) {
      expect(checkPayload(channel, { ...(base(channel) as object), timestamp }, "strict").ok).toBe(true);
    }
  });

  it.each(["AAPL", "BRK.B", "BTC/USD", "RDS-A", "X", "A".repeat(32), "brk.b", "7203"])(
    "ticker %s is accepted",
    (symbol) => {
      expect(checkPayload("positions.updated", { ...base("positions.updated"), symbol }, "strict").ok).toBe(
        true,
      );
      const price = { ...base("price.updated.{symbol}"), symbol };
      expect(checkPayload("price.updated.{symbol}", price, "strict", { symbol }).ok).toBe(true);
      expect(channels["price.updated.{symbol}"].parseAddress(`price.updated.${symbol}`)).toEqual({ symbol });
    },
  );

  it.each([0, MAX_SAFE])("count %d is accepted", (count) => {
    expect(
      checkPayload("signals.generated", { ...base("signals.generated"), num_signals: count }, "strict").ok,
    ).toBe(true);
  });

  it.each([-MAX_SAFE, MAX_SAFE])("quantity %d is accepted", (qty) => {
    const payload = { ...base("positions.updated"), qty_change: qty, new_qty: qty };
    expect(checkPayload("positions.updated", payload, "strict").ok).toBe(true);
  });
});
