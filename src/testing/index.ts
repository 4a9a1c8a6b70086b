// @trading-platform/events/testing: a kit for services' contract tests. Example events taken
// from the spec, builders of valid events with typed overrides, and an assertion that lists
// every reason an event breaks the contract. Pure: no Redis, no test runner dependency.
import { AssertionError } from "node:assert";
import {
  type ChannelAddresses,
  type ChannelName,
  type ChannelParameters,
  type ChannelPayloads,
  channelNames,
  channels,
} from "../../generated/index.js";
import { resolveAddressOrChannel } from "../contract/addresses.js";
import { formatReasons, type ValidationReason } from "../contract/reasons.js";
import { type ContractView, checkPayload } from "../contract/validate.js";
import { ContractValidationError, UnknownChannelError } from "../errors.js";

/** A channel as the spec names it (`price.updated.{symbol}`) or a concrete address (`price.updated.AAPL`). */
export type EventAddress = ChannelName | ChannelAddresses[ChannelName];

/** The channel an address belongs to: `price.updated.AAPL` → `price.updated.{symbol}`. */
export type ChannelOf<A extends EventAddress> = A extends ChannelName
  ? A
  : { [C in ChannelName]: A extends ChannelAddresses[C] ? C : never }[ChannelName];

/** The payload type carried at an address. */
export type EventOf<A extends EventAddress> = ChannelPayloads[ChannelOf<A>];

/** Fields to replace in an example event; each keeps its contract type. */
export type EventOverrides<A extends EventAddress> = Partial<EventOf<A>>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Every example of every channel, as written in asyncapi.yaml (frozen: copy before changing). */
export const exampleEvents: { readonly [C in ChannelName]: readonly Readonly<ChannelPayloads[C]>[] } =
  deepFreeze(
    Object.fromEntries(
      channelNames.map((channel) => [
        channel,
        channels[channel].examples.map((e) => structuredClone(e.payload)),
      ]),
    ) as unknown as { [C in ChannelName]: ChannelPayloads[C][] },
  );

/** A channel name, or a concrete address with the parameter values the payload must carry. */
function resolve(address: string): { channel: ChannelName; parameters: Record<string, string> | undefined } {
  const resolved = resolveAddressOrChannel(address);
  if (!resolved) throw new UnknownChannelError(address, channelNames);
  return { channel: resolved.channel, parameters: resolved.parameters as Record<string, string> | undefined };
}

/**
 * A fresh, valid event for the address: the channel's first spec example with `overrides`
 * applied (top-level fields). With a concrete address (`price.updated.MSFT`) the payload also
 * takes the address's parameters (`symbol: "MSFT"`). Checked with the producer's (strict) rules:
 * overrides that make it invalid throw a ContractValidationError listing every reason.
 */
export function makeEvent<A extends EventAddress>(address: A, overrides?: EventOverrides<A>): EventOf<A> {
  const { channel, parameters } = resolve(address);
  const example = channels[channel].examples[0];
  if (!example) throw new Error(`the spec has no example for ${channel}`); // the generator requires two
  const event: Record<string, unknown> = structuredClone(example.payload) as Record<string, unknown>;
  for (const { name, payloadPointer } of channels[channel].parameters) {
    const value = parameters?.[name];
    if (value !== undefined) event[payloadPointer.slice(1)] = value;
  }
  Object.assign(event, structuredClone(overrides ?? {}));
  const result = checkPayload(
    channel,
    event,
    "strict",
    parameters as ChannelParameters[typeof channel] | undefined,
  );
  if (!result.ok) throw new ContractValidationError(address, result.reasons);
  return result.value as EventOf<A>;
}

/** Thrown by assertValidEvent; a test runner shows it as a failed assertion. */
export class EventAssertionError extends AssertionError {
  override readonly name = "EventAssertionError";
  /** The address (or channel) the event was checked against. */
  readonly channel: string;
  readonly view: ContractView;
  /** Every reason the event breaks the contract. */
  readonly reasons: readonly ValidationReason[];

  constructor(channel: string, view: ContractView, reasons: readonly ValidationReason[], payload: unknown) {
    const count = reasons.length === 1 ? "1 reason" : `${reasons.length} reasons`;
    super({
      message: `the event does not conform to ${channel} (${view} rules), ${count}:\n${formatReasons(reasons)
        .map((line) => `  ${line}`)
        .join("\n")}`,
      actual: payload,
      operator: "assertValidEvent",
    });
    this.channel = channel;
    this.view = view;
    this.reasons = reasons;
  }
}

export interface AssertValidEventOptions {
  /**
   * `strict` (default): the producer's rules, for a test of what a service sends (unknown fields
   * fail). `tolerant`: the consumer's rules, for a test of what a service must accept.
   */
  view?: ContractView;
}

/**
 * Asserts that `payload` is a valid event for the address; with a concrete address the payload
 * must also carry its parameters. Throws an EventAssertionError whose message lists every reason,
 * or an UnknownChannelError for an address that is not the contract's.
 */
export function assertValidEvent<A extends EventAddress>(
  address: A,
  payload: unknown,
  options: AssertValidEventOptions = {},
): asserts payload is EventOf<A> {
  const view = options.view ?? "strict";
  const { channel, parameters } = resolve(address);
  const result = checkPayload(
    channel,
    payload,
    view,
    parameters as ChannelParameters[typeof channel] | undefined,
  );
  if (!result.ok) throw new EventAssertionError(address, view, result.reasons, payload);
}

export { assertManifestHolds, checkManifest, type ManifestCase, manifestCases } from "./consumer-manifest.js";
