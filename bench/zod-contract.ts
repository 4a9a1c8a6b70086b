// The contract written by hand as zod v4 schemas, the baseline that section 1 compares the generated
// validators with. Same constraints as generated/schemas/*.schema.json, producer (strict) view:
// unknown fields are errors. Differences that cost nothing either way: ajv-formats' `uuid` does not
// check the version/variant nibbles (so `z.guid()`, not `z.uuid()`), and its `date-time` also takes a
// space or lowercase `t` as separator, which `z.iso.datetime` does not.
import { z } from "zod";
import type { ChannelName } from "../generated/index.js";

const timestamp = z.iso.datetime({ offset: true });
const strategyId = z.string().min(1).max(256);
const symbol = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9./_-]{0,31}$/u);
const count = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const signedCount = z.int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const eventId = z.guid().optional();
const decimal = z
  .string()
  .max(64)
  .regex(/^-?[0-9]+(\.[0-9]+)?(E[+-][0-9]+)?$/);
const nullableDecimal = decimal.nullable().optional();
const nullableSignedCount = signedCount.nullable().optional();

export const zodContract = {
  "signals.generated": z.strictObject({
    event_type: z.literal("signals.generated"),
    timestamp,
    strategy_id: strategyId,
    symbols: z.array(symbol).min(1).max(10_000),
    num_signals: count,
    as_of_date: z.iso.date(),
    event_id: eventId,
  }),
  "orders.executed": z.strictObject({
    event_type: z.literal("orders.executed"),
    timestamp,
    run_id: z.guid(),
    strategy_id: strategyId,
    num_orders: count,
    num_accepted: count,
    num_rejected: count,
    event_id: eventId,
  }),
  "positions.updated": z.strictObject({
    event_type: z.literal("positions.updated"),
    timestamp,
    symbol,
    action: z.enum(["buy", "sell", "fill", "partial_fill"]),
    qty_change: signedCount,
    new_qty: signedCount,
    price: decimal,
    strategy_id: strategyId,
    event_id: eventId,
  }),
  "price.updated.{symbol}": z.strictObject({
    event_type: z.literal("price.updated"),
    symbol,
    price: z
      .string()
      .max(64)
      .regex(/^(-0(\.0+)?(E[+-][0-9]+)?|[0-9]+(\.[0-9]+)?(E[+-][0-9]+)?)$/),
    timestamp,
    bid: nullableDecimal,
    ask: nullableDecimal,
    bid_price: nullableDecimal,
    ask_price: nullableDecimal,
    bid_size: nullableSignedCount,
    ask_size: nullableSignedCount,
    exchange: z.string().max(32).nullable().optional(),
    volume: nullableSignedCount,
    event_id: eventId,
  }),
} satisfies Record<ChannelName, z.ZodType>;
