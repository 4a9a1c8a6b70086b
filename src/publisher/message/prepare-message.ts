// Turns a caller's payload into the exact bytes to publish: dates written as RFC 3339, an event id
// filled in, the producer's (strict) contract checked, and the concrete Redis channel resolved.
import { randomUUID } from "node:crypto";
import {
  type ChannelDateTimeFields,
  type ChannelName,
  type ChannelParameters,
  type ChannelPayloads,
  channels,
} from "../../../generated/index.js";
import { type ValidationReason, violation } from "../../contract/reasons.js";
import { checkPayload } from "../../contract/validate.js";
import { ContractValidationError } from "../../errors.js";

/** The payload fields of a channel that are RFC 3339 date-times, as the generated catalogue lists them. */
export type DateTimeField<C extends ChannelName = ChannelName> = ChannelDateTimeFields[C];

/** A channel's payload as a producer may write it: date-time fields also take a `Date`. */
export type PublishPayload<C extends ChannelName> = {
  [K in keyof ChannelPayloads[C]]: K extends DateTimeField<C>
    ? ChannelPayloads[C][K] | Date
    : ChannelPayloads[C][K];
};

/** The parameters of the channel's address (`{ symbol }` for prices); each must agree with the payload. */
export type PublishOptions<C extends ChannelName> = Partial<ChannelParameters[C]>;

/** A message ready to send: checked, serialised once, and kept byte for byte for retries and the buffer. */
export interface PreparedMessage {
  readonly channel: ChannelName;
  /** The concrete Redis channel, e.g. `price.updated.AAPL`. */
  readonly address: string;
  readonly eventId: string;
  readonly body: string;
}

export function prepareMessage<C extends ChannelName>(
  channel: C,
  payload: PublishPayload<C>,
  options?: PublishOptions<C>,
): PreparedMessage {
  // The common case, valid, with nothing allocated for reasons; anything doubtful takes the path that
  // explains every reason (and would also accept what this one accepts).
  // Through unknown: the generated definitions differ per channel in ways this code does not depend on.
  const definition = channels[channel] as unknown as ChannelDefinition | undefined;
  if (
    definition !== undefined &&
    payload !== null &&
    typeof payload === "object" &&
    !Array.isArray(payload)
  ) {
    const wire = wireForm(payload as Record<string, unknown>, definition.dateTimeFields);
    if (wire !== undefined && definition.validateStrict(wire)) {
      const address = addressOf(channel, definition, wire, options as Record<string, unknown> | undefined);
      if (address !== undefined) {
        // The validator checked a caller's id; the one filled in here is a random UUID, valid by construction.
        const eventId = wire.event_id === undefined ? randomUUID() : (wire.event_id as string);
        return { channel, address, eventId, body: definition.serialize(wire, eventId) };
      }
    }
  }
  return prepareExplaining(channel, payload, options ?? {});
}

/**
 * What the validator and the serializer read: the caller's own object when it is a plain one with no
 * `Date` to convert (nothing is copied), otherwise a copy of its own fields with dates as RFC 3339.
 * Undefined for an invalid Date or an own `__proto__` key, which the explaining path reports.
 */
function wireForm(
  payload: Record<string, unknown>,
  dateTimeFields: readonly string[],
): Record<string, unknown> | undefined {
  const prototype = Object.getPrototypeOf(payload);
  // A class instance may inherit fields the validator would see and JSON would not: its own fields only.
  let copy = prototype !== Object.prototype && prototype !== null;
  for (const field of dateTimeFields) if (payload[field] instanceof Date) copy = true;
  if (!copy) return payload;
  if (Object.hasOwn(payload, "__proto__")) return undefined; // Object.assign would set the copy's prototype
  // Object.assign, not spread: V8 makes a spread copy slow to extend and to read (validation ~3x slower).
  const wire: Record<string, unknown> = Object.assign({}, payload);
  for (const field of dateTimeFields) {
    const value = wire[field];
    if (!(value instanceof Date)) continue;
    if (Number.isNaN(value.getTime())) return undefined;
    wire[field] = value.toISOString();
  }
  return wire;
}

/** The few members of a channel's definition that preparing a message reads, uniformly typed. */
interface ChannelDefinition {
  readonly address: string;
  readonly dateTimeFields: readonly string[];
  readonly parameters: readonly { readonly name: string; readonly payloadPointer: string }[];
  readonly validateStrict: (payload: unknown) => boolean;
  /** The generated serializer: fields in the spec's order, `eventId` written when the payload has none. */
  readonly serialize: (payload: unknown, eventId: string) => string;
  readonly buildAddress: (parameters: Record<string, string>) => string | undefined;
}

/** How a channel's address is formed: each parameter's payload field, and the addresses built so far. */
interface AddressPlan {
  /** Each parameter's name and the top-level payload field it is taken from (`symbol` from `/symbol`). */
  readonly fields: readonly { readonly name: string; readonly field: string }[];
  /** Addresses by their parameter values: the same string every time, built and checked once. */
  readonly built: Map<string, string>;
}

const addressPlans = new Map<ChannelName, AddressPlan>();
/** Distinct addresses remembered per channel (symbols, for prices); the memory starts over when full. */
const BUILT_ADDRESSES_LIMIT = 10_000;

/** The concrete channel, or undefined when a parameter is missing, disagrees with `options` or is invalid. */
function addressOf(
  channel: ChannelName,
  definition: ChannelDefinition,
  wire: Record<string, unknown>,
  options: Record<string, unknown> | undefined,
): string | undefined {
  let plan = addressPlans.get(channel);
  if (plan === undefined) {
    const fields = definition.parameters.map(({ name, payloadPointer }) => ({
      name,
      field: payloadPointer.slice(1),
    }));
    plan = { fields, built: new Map() };
    addressPlans.set(channel, plan);
  }
  let key = "";
  for (const { name, field } of plan.fields) {
    const value = wire[field];
    const explicit = options?.[name];
    if (typeof value !== "string" || (explicit !== undefined && explicit !== value)) return undefined;
    key = plan.fields.length === 1 ? value : `${key}${value}\u0000`;
  }
  let address = plan.built.get(key);
  if (address === undefined) {
    const parameters: Record<string, string> = {};
    for (const { name, field } of plan.fields) parameters[name] = wire[field] as string;
    address = definition.buildAddress(parameters);
    if (address === undefined) return undefined;
    if (plan.built.size >= BUILT_ADDRESSES_LIMIT) plan.built.clear();
    plan.built.set(key, address);
  }
  return address;
}

/** Checks everything and reports every reason at once; builds the same message when there is none. */
function prepareExplaining<C extends ChannelName>(
  channel: C,
  payload: PublishPayload<C>,
  options: PublishOptions<C>,
): PreparedMessage {
  const definition = channels[channel];
  if (definition === undefined) {
    throw new ContractValidationError(String(channel), [violation("", "channel.unknown")]);
  }
  const reasons: ValidationReason[] = [];
  const invalidDates = new Set<string>();
  const wire = toWire(payload, definition.dateTimeFields, reasons, invalidDates);
  // Filled in before validation so that the id every retry, replay and consumer sees is a checked one.
  if (wire.event_id === undefined) wire.event_id = randomUUID();

  const checked = checkPayload(channel, wire, "strict");
  // An invalid Date is already reported; the placeholder written in its place is not a second reason.
  if (!checked.ok) reasons.push(...checked.reasons.filter((r) => !invalidDates.has(r.pointer)));

  const parameters: Record<string, string> = {};
  for (const { name, payloadPointer } of definition.parameters) {
    const fromPayload = wire[payloadPointer.slice(1)];
    const explicit = (options as Record<string, unknown>)[name];
    if (explicit !== undefined && explicit !== fromPayload) {
      reasons.push(
        violation(payloadPointer, "parameter.mismatch", {
          name,
          expected: JSON.stringify(explicit),
          actual: JSON.stringify(fromPayload),
        }),
      );
    }
    if (typeof fromPayload === "string") parameters[name] = fromPayload;
  }
  let address: string | undefined;
  if (Object.keys(parameters).length === definition.parameters.length) {
    address = (definition.buildAddress as (p: Record<string, string>) => string | undefined)(parameters);
  }
  if (address === undefined && checked.ok) {
    // The schema's patterns should already refuse this; the address check is the last line against a
    // channel name that could act as a glob (`*`, `?`, `[`) or break the name.
    reasons.push(violation(definition.parameters[0]?.payloadPointer ?? "", "address.invalid"));
  }
  if (reasons.length > 0 || address === undefined) {
    const where = address ?? (definition.address as string);
    throw new ContractValidationError(where, dedupeReasons(reasons));
  }
  const serialize = definition.serialize as (payload: unknown, eventId: string) => string;
  const eventId = wire.event_id as string;
  return { channel, address, eventId, body: serialize(wire, eventId) };
}

function toWire(
  payload: unknown,
  dateTimeFields: readonly string[],
  reasons: ValidationReason[],
  invalidDates: Set<string>,
): Record<string, unknown> {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    reasons.push(violation("", "type.mismatch", { type: "an object" }));
    return {};
  }
  const wire: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
  for (const field of dateTimeFields) {
    const value = wire[field];
    if (!(value instanceof Date)) continue;
    if (Number.isNaN(value.getTime())) {
      reasons.push(violation(`/${field}`, "timestamp.invalid_date"));
      invalidDates.add(`/${field}`);
      wire[field] = "invalid Date";
    } else {
      wire[field] = value.toISOString();
    }
  }
  return wire;
}

function dedupeReasons(reasons: readonly ValidationReason[]): ValidationReason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const key = `${r.pointer}\u0000${r.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
