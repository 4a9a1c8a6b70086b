// What publish() is given to name where a message goes: a channel name as the spec writes it
// (`price.updated.{symbol}`, the address built from the payload) or a concrete address (`price.updated.AAPL`,
// whose parameters the payload must agree with), as the CLI and the test kit accept them.
import { type ChannelAddresses, type ChannelName, channelNames, channels } from "../../../generated/index.js";
import { resolveAddress } from "../../contract/addresses.js";
import { violation } from "../../contract/reasons.js";
import { ContractValidationError, UnknownChannelError } from "../../errors.js";
import {
  type PreparedMessage,
  type PublishOptions,
  type PublishPayload,
  prepareMessage,
} from "./prepare-message.js";

/** A concrete Redis channel of the contract: `orders.executed`, `price.updated.AAPL`... */
export type ConcreteAddress = ChannelAddresses[ChannelName];

/** The channel a concrete address belongs to (`price.updated.{symbol}` for `price.updated.AAPL`). */
export type ChannelOfAddress<A extends string> = {
  [C in ChannelName]: A extends ChannelAddresses[C] ? C : never;
}[ChannelName];

/**
 * Checks and serialises a message for a channel name or a concrete address. Throws UnknownChannelError
 * for a name that is neither, and ContractValidationError for a payload that disagrees with the address.
 */
export function prepareFor(
  target: string,
  payload: unknown,
  options: Record<string, unknown> | undefined,
): PreparedMessage {
  if (Object.hasOwn(channels, target)) {
    return prepareMessage(target as ChannelName, payload as PublishPayload<ChannelName>, options);
  }
  const resolved = typeof target === "string" ? resolveAddress(target) : undefined;
  if (resolved === undefined) throw new UnknownChannelError(String(target), channelNames);
  // The address's parameters are checked against the payload as explicit ones are, and must agree with them.
  const parameters: Record<string, unknown> = { ...options, ...resolved.parameters };
  for (const [name, value] of Object.entries(options ?? {})) {
    if (value !== undefined && value !== parameters[name]) {
      throw new ContractValidationError(target, [
        violation("", "parameter.option_mismatch", { name, actual: JSON.stringify(value) }),
      ]);
    }
  }
  return prepareMessage(
    resolved.channel,
    payload as PublishPayload<ChannelName>,
    parameters as PublishOptions<ChannelName>,
  );
}
