// The package's own contract for the consumer check: asyncapi.yaml as shipped, with every
// counterexample also checked by the generated validators that publishers and subscribers use.
import { readFileSync } from "node:fs";
import { type ChannelName, channelNames } from "../../generated/index.js";
import { resolveAddressOrChannel } from "../contract/addresses.js";
import { parseSpecDocument, type SpecDocument } from "../contract/compatibility/spec-document.js";
import { checkPayload } from "../contract/validate.js";
import { type ContractChannel, contractChannels, type ExtraCheck } from "./contract-channels.js";
import { packageSpecPath } from "./package-files.js";

/** Producers may send it, by the package's generated (strict) validators, on that very address. */
export const generatedValidatorsAccept: ExtraCheck = (channel, address, payload) => {
  if (!(channelNames as readonly string[]).includes(channel)) return false;
  const resolved = resolveAddressOrChannel(address);
  if (!resolved || resolved.channel !== channel) return false;
  return checkPayload(resolved.channel as ChannelName, payload, "strict", resolved.parameters as never).ok;
};

export function packageSpec(): SpecDocument {
  const path = packageSpecPath();
  return parseSpecDocument(readFileSync(path, "utf8"), path);
}

let packageChannels: Map<string, ContractChannel> | undefined;

/** The package's contract never changes while it runs: read and compiled once. */
export function packageContractChannels(): Map<string, ContractChannel> {
  packageChannels ??= contractChannels(packageSpec(), generatedValidatorsAccept);
  return packageChannels;
}
