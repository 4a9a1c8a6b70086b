// One error class per failure kind, each with read-only fields a caller can act on.
import type { ValidationReason } from "./contract/reasons.js";

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
      `invalid message for ${channel}:\n${reasons.map((r) => `  ${r.pointer || "/"}: ${r.message}`).join("\n")}`,
    );
  }
}

/** An address that names no channel of the contract, or whose parameters are invalid. */
export class UnknownChannelError extends Error {
  override readonly name = "UnknownChannelError";
  constructor(
    readonly address: string,
    readonly knownChannels: readonly string[],
  ) {
    super(
      `${JSON.stringify(address)} is not an address of the contract; channels: ${knownChannels.join(", ")}`,
    );
  }
}
