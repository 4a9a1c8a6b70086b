// Checks messages against the contract: the precompiled validators plus what JSON Schema alone
// cannot say (the channel's parameters must agree with the payload), and safe parsing of raw bytes.
import {
  type ChannelName,
  type ChannelParameters,
  type ChannelPayloads,
  channels,
} from "../../generated/index.js";
import { requireChannel } from "./addresses.js";
import { isForbiddenKeyError, parseJsonRefusingPrototypeKeys } from "./parse-json.js";
import { reasonsFromAjv, type ValidationReason, violation } from "./reasons.js";

/** `strict`: the producer's rules (unknown fields are errors). `tolerant`: the consumer's rules. */
export type ContractView = "strict" | "tolerant";

export type CheckResult<T> = { ok: true; value: T } | { ok: false; reasons: ValidationReason[] };

/** 1 MiB: larger than any event of the contract by orders of magnitude. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Checks a parsed payload. With `parameters` (those of a concrete address), each parameter must
 * equal the payload field it is taken from: `price.updated.AAPL` carries only `symbol: "AAPL"`.
 * A `channel` that is not one of the contract's is an UnknownChannelError (naming the closest one).
 */
export function checkPayload<C extends ChannelName>(
  channel: C,
  payload: unknown,
  view: ContractView,
  parameters?: ChannelParameters[C],
): CheckResult<ChannelPayloads[C]> {
  const definition = channels[requireChannel(channel)];
  const validate = view === "strict" ? definition.validateStrict : definition.validateTolerant;
  if (!validate(payload)) return { ok: false, reasons: reasonsFromAjv(validate.errors, payload) };
  if (parameters) {
    const mismatches = parameterMismatches(definition.parameters, payload, parameters);
    if (mismatches.length > 0) return { ok: false, reasons: mismatches };
  }
  return { ok: true, value: payload as ChannelPayloads[C] };
}

function parameterMismatches(
  definitions: readonly { name: string; payloadPointer: string }[],
  payload: unknown,
  parameters: Record<string, string>,
): ValidationReason[] {
  const reasons: ValidationReason[] = [];
  for (const { name, payloadPointer } of definitions) {
    // Pointers are one level deep (`/symbol`): the generator only accepts required top-level fields.
    const value = (payload as Record<string, unknown>)[payloadPointer.slice(1)];
    const expected = parameters[name];
    if (value !== expected) {
      reasons.push(
        violation(payloadPointer, "parameter.mismatch", {
          name,
          expected: JSON.stringify(expected),
          actual: JSON.stringify(value),
        }),
      );
    }
  }
  return reasons;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses raw message bytes without trusting them: a size limit checked before parsing, strict
 * UTF-8, JSON, and no `__proto__` or `constructor.prototype` keys (no prototype pollution).
 */
export function parseRawMessage(
  raw: string | Uint8Array,
  maxBytes: number = DEFAULT_MAX_MESSAGE_BYTES,
): CheckResult<unknown> {
  const size = typeof raw === "string" ? Buffer.byteLength(raw) : raw.byteLength;
  if (size > maxBytes) {
    return {
      ok: false,
      reasons: [violation("", "message.too_large", { size, limit: maxBytes })],
    };
  }
  let text: string;
  if (typeof raw === "string") {
    text = raw;
  } else {
    try {
      text = utf8.decode(raw);
    } catch {
      return { ok: false, reasons: [violation("", "message.not_utf8")] };
    }
  }
  try {
    return { ok: true, value: parseJsonRefusingPrototypeKeys(text) };
  } catch (error) {
    // Told apart only once parsing failed: the valid path pays for no second look at the text.
    const code =
      text.trim() === ""
        ? "message.empty"
        : isForbiddenKeyError(error)
          ? "message.forbidden_key"
          : "message.not_json";
    return { ok: false, reasons: [violation("", code)] };
  }
}

/**
 * Parses and checks a raw message received on (or about to be sent to) a channel. An unknown
 * `channel` is an UnknownChannelError, whatever the bytes.
 */
export function checkRawMessage<C extends ChannelName>(
  channel: C,
  raw: string | Uint8Array,
  view: ContractView,
  options: { parameters?: ChannelParameters[C]; maxBytes?: number } = {},
): CheckResult<ChannelPayloads[C]> {
  requireChannel(channel);
  const parsed = parseRawMessage(raw, options.maxBytes);
  if (!parsed.ok) return parsed;
  return checkPayload(channel, parsed.value, view, options.parameters);
}
