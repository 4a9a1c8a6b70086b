// @trading-platform/events: the typed contract of the trading platform's Redis pub/sub events.
// End-user symbols first, then the building blocks for other libraries.

export type { ValidationReason } from "./contract/reasons.js";
export type { CheckResult, ContractView } from "./contract/validate.js";
export { ContractValidationError, UnknownChannelError } from "./errors.js";
export { checkPayload, checkRawMessage, parseRawMessage, DEFAULT_MAX_MESSAGE_BYTES } from "./contract/validate.js";
export { resolveAddress, requireAddress, isChannelName, type ResolvedAddress } from "./contract/addresses.js";
export { formatReasons } from "./contract/reasons.js";
export {
  channels,
  channelNames,
  contractVersion,
  type ChannelAddresses,
  type ChannelName,
  type ChannelParameters,
  type ChannelPayloads,
  type ContractExample,
  type ContractValidator,
} from "../generated/index.js";
export type * from "../generated/types.js";
