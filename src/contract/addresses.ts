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

/** Like resolveAddress, but an unknown address is an UnknownChannelError naming the closest channel. */
export function requireAddress(address: string): ResolvedAddress {
  const resolved = resolveAddress(address);
  if (!resolved) throw new UnknownChannelError(address, channelNames);
  return resolved;
}

export function isChannelName(name: string): name is ChannelName {
  return Object.hasOwn(channels, name);
}

/**
 * The channel name itself (`price.updated.{symbol}`), checked: anything else, a misspelling or a
 * value that is not a string (from untyped callers), is an UnknownChannelError naming the closest channel.
 */
export function requireChannel<C extends ChannelName>(name: C): C;
export function requireChannel(name: unknown): ChannelName;
export function requireChannel(name: unknown): ChannelName {
  if (typeof name === "string" && isChannelName(name)) return name;
  throw new UnknownChannelError(typeof name === "string" ? name : String(name), channelNames);
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

/** Like resolveAddressOrChannel, but a name that is neither is an UnknownChannelError naming the closest channel. */
export function requireAddressOrChannel(name: string): {
  channel: ChannelName;
  parameters: ChannelParameters[ChannelName] | undefined;
} {
  const resolved = resolveAddressOrChannel(name);
  if (!resolved) throw new UnknownChannelError(name, channelNames);
  return resolved;
}
