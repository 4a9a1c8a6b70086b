// What a subscriber listens to on Redis: concrete addresses (SUBSCRIBE) or a channel's wildcard
// pattern (PSUBSCRIBE `price.updated.*`), derived from the catalogue rather than written per channel.
import { type ChannelName, type ChannelParameters, channelNames, channels } from "../../generated/index.js";
import { isChannelName, requireChannel, resolveAddress } from "../contract/addresses.js";
import { UnknownChannelError } from "../errors.js";

/** One Redis subscription: a concrete address, or the pattern that matches every address of a channel. */
export type Topic<C extends ChannelName = ChannelName> = AddressTopic<C> | PatternTopic<C>;

/** SUBSCRIBE to one concrete address; `name` is the address. */
export interface AddressTopic<C extends ChannelName = ChannelName> {
  readonly kind: "address";
  readonly channel: C;
  readonly name: string;
  readonly parameters: ChannelParameters[C];
}

/** PSUBSCRIBE to every address of a channel; `name` is the pattern (`price.updated.*`). */
export interface PatternTopic<C extends ChannelName = ChannelName> {
  readonly kind: "pattern";
  readonly channel: C;
  readonly name: string;
}

/**
 * Narrows a parameterised channel to some of its addresses, one list per parameter, named by the
 * parameter's plural: `{ symbols: ["AAPL", "BRK.B"] }`. Leaving it out means every address.
 * Channels without parameters accept no selection.
 */
export type ParameterSelection<C extends ChannelName> = string extends keyof ChannelParameters[C]
  ? Readonly<Record<string, never>>
  : { readonly [K in keyof ChannelParameters[C] & string as `${K}s`]?: readonly string[] };

/** The Redis pattern that matches every address of a channel: each `{parameter}` becomes `*`. */
export function wildcardPattern(channel: ChannelName): string {
  return channels[channel].address.replace(/\{[^}]+\}/g, "*");
}

function hasParameters(channel: ChannelName): boolean {
  return channels[channel].parameters.length > 0;
}

/**
 * The topics for a channel: its one address, the concrete addresses built from a selection, or
 * the wildcard pattern. A channel that is not the contract's (a misspelling) or a selected value
 * that is not a valid parameter is an UnknownChannelError naming the closest channel.
 */
export function topicsFor<C extends ChannelName>(
  channel: C,
  selection: Required<ParameterSelection<C>>,
): AddressTopic<C>[];
export function topicsFor<C extends ChannelName>(channel: C, selection?: ParameterSelection<C>): Topic<C>[];
export function topicsFor<C extends ChannelName>(channel: C, selection?: ParameterSelection<C>): Topic<C>[] {
  const definition = channels[requireChannel(channel)];
  const lists = (selection ?? {}) as Record<string, readonly string[] | undefined>;
  for (const key of Object.keys(lists)) {
    if (!definition.parameters.some((p) => `${p.name}s` === key)) {
      throw new TypeError(`${channel} has no parameter selection ${JSON.stringify(key)}`);
    }
  }
  if (!hasParameters(channel)) {
    return [{ kind: "address", channel, name: definition.address, parameters: {} } as Topic<C>];
  }
  const selected = definition.parameters.map((p) => lists[`${p.name}s`]);
  if (selected.every((list) => list === undefined)) {
    return [{ kind: "pattern", channel, name: wildcardPattern(channel) } as Topic<C>];
  }
  if (selected.some((list) => list === undefined)) {
    throw new TypeError(
      `${channel}: select every parameter or none (${definition.parameters.map((p) => `${p.name}s`).join(", ")})`,
    );
  }
  // Every combination of the selected values, one concrete address each.
  let combinations: Record<string, string>[] = [{}];
  definition.parameters.forEach((parameter, index) => {
    const values = selected[index] ?? [];
    combinations = combinations.flatMap((partial) =>
      values.map((value) => ({ ...partial, [parameter.name]: value })),
    );
  });
  const topics = new Map<string, Topic<C>>();
  for (const parameters of combinations) {
    const build = definition.buildAddress as (parameters: Record<string, string>) => string | undefined;
    const address = build(parameters);
    if (address === undefined)
      throw new UnknownChannelError(`${channel} with ${JSON.stringify(parameters)}`, channelNames);
    topics.set(address, { kind: "address", channel, name: address, parameters } as unknown as Topic<C>);
  }
  return [...topics.values()];
}

/**
 * Reads a topic as a person writes it: a concrete address (`price.updated.AAPL`), a channel's
 * wildcard pattern (`price.updated.*`) or a channel name (`price.updated.{symbol}`, meaning every
 * address). Undefined when it is none of these.
 */
export function parseTopic(text: string): Topic | undefined {
  const resolved = resolveAddress(text);
  if (resolved)
    return {
      kind: "address",
      channel: resolved.channel,
      name: text,
      parameters: resolved.parameters,
    } as Topic;
  for (const channel of channelNames) {
    if (hasParameters(channel) && (text === wildcardPattern(channel) || text === channel)) {
      return { kind: "pattern", channel, name: wildcardPattern(channel) } as Topic;
    }
  }
  if (isChannelName(text)) return topicsFor(text)[0];
  return undefined;
}
