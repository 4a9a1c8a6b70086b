// One error class per failure kind, each with read-only fields a caller can act on.
import { closestChannel } from "./contract/closest-channel.js";
import { formatReasons, type ValidationReason } from "./contract/reasons.js";

/** A payload or raw message does not conform to its channel's contract. */
export class ContractValidationError extends Error {
  override readonly name = "ContractValidationError";
  constructor(
    /** The concrete address (`price.updated.AAPL`) or channel name the message was checked against. */
    readonly channel: string,
    /** Every reason the message is invalid, never just the first. */
    readonly reasons: readonly ValidationReason[],
  ) {
    super(
      `invalid message for ${channel}:\n${formatReasons(reasons)
        .map((line) => `  ${line}`)
        .join("\n")}`,
    );
  }
}

/**
 * A channel name, address or pattern that names no channel of the contract, or whose parameters are
 * invalid. `closestChannel` is the likely intended channel when the name looks like a typo of one.
 */
export class UnknownChannelError extends Error {
  override readonly name = "UnknownChannelError";
  /** The contract channel the name is closest to ("did you mean …?"), if any is close. */
  readonly closestChannel: string | undefined;
  constructor(
    readonly address: string,
    readonly knownChannels: readonly string[],
  ) {
    const closest = closestChannel(address, knownChannels);
    super(
      `unknown channel ${JSON.stringify(address)}${closest ? `: did you mean ${closest}?` : ""} (channels: ${knownChannels.join(", ")})`,
    );
    this.closestChannel = closest;
  }
}
