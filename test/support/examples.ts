// The spec's first example per channel, as a fresh copy a test may change.
import { type ChannelName, type ChannelPayloads, channels } from "../../generated/index.js";

export function firstExample<C extends ChannelName>(channel: C): ChannelPayloads[C] {
  const example = channels[channel].examples[0];
  if (!example) throw new Error(`the spec has no example for ${channel}`);
  return structuredClone(example.payload) as ChannelPayloads[C];
}
