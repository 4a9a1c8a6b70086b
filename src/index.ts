// @trading-platform/events: the typed contract of the trading platform's Redis pub/sub events.
// End-user symbols first, then the building blocks for other libraries.

export {
  type ChannelAddresses,
  type ChannelName,
  type ChannelParameters,
  type ChannelPayloads,
  type ContractExample,
  type ContractValidator,
  channelNames,
  channels,
  contractVersion,
} from "../generated/index.js";
export type * from "../generated/types.js";
export { isChannelName, type ResolvedAddress, requireAddress, resolveAddress } from "./contract/addresses.js";
export type { ValidationReason } from "./contract/reasons.js";
export { formatReasons } from "./contract/reasons.js";
export type { CheckResult, ContractView } from "./contract/validate.js";
export {
  checkPayload,
  checkRawMessage,
  DEFAULT_MAX_MESSAGE_BYTES,
  parseRawMessage,
} from "./contract/validate.js";
export { ContractValidationError, UnknownChannelError } from "./errors.js";
