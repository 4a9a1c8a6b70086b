// Maps between concrete Redis channel names (`price.updated.BRK.B`) and the contract's channels.
import { type ChannelName, type ChannelParameters, channelNames, channels } from "../../generated/index.js";
import { UnknownChannelError } from "../errors.js";

export interface ResolvedAddress<C extends ChannelName = ChannelName> {
  channel: C;
  address: string;
  parameters: ChannelParameters[C];
}

/** The channel a concrete address belongs to, or undefined when it is none of the contract's. */
export function resolveAddress(address: string): ResolvedAddress | undefined {
  for (const channel of channelNames) {
    const parameters = channels[channel].parseAddress(address);
    if (parameters) return { channel, address, parameters } as ResolvedAddress;
  }
  return undefined;
}

/** Like resolveAddress, but an unknown address is an UnknownChannelError. */
export function requireAddress(address: string): ResolvedAddress {
  const resolved = resolveAddress(address);
  if (!resolved) throw new UnknownChannelError(address, channelNames);
  return resolved;
}

export function isChannelName(name: string): name is ChannelName {
  return Object.hasOwn(channels, name);
}

/**
 * A concrete address (`price.updated.BRK.B`, with its parameters) or a channel name as written in
 * the spec (`price.updated.{symbol}`, with no parameters to compare against the payload).
 */
export function resolveAddressOrChannel(
  name: string,
): { channel: ChannelName; parameters: ChannelParameters[ChannelName] | undefined } | undefined {
  const resolved = resolveAddress(name);
  if (resolved) return { channel: resolved.channel, parameters: resolved.parameters };
  return isChannelName(name) ? { channel: name, parameters: undefined } : undefined;
}
