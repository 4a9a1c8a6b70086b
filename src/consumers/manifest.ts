// A consumer manifest (contracts/consumers/<service>.yaml) as the checker uses it, once its file has
// passed contracts/consumer-manifest.schema.json.
import type { JsonObject } from "../contract/compatibility/spec-document.js";

/** A difference the consumer's owners have accepted: reported, never a failure. */
export interface AcceptedDifference {
  /** The payload field, as a JSON pointer (`/symbol`). */
  readonly field: string;
  /** The `accepts` keyword that rejects, or `optional` / `nullable` / `absent` for a field it reads. */
  readonly rule: string;
  readonly why: string;
}

export interface Subscription {
  /** The channel's address as the contract writes it (`price.updated.{symbol}`). */
  readonly channel: string;
  readonly using: "SUBSCRIBE" | "PSUBSCRIBE";
  /** With SUBSCRIBE: the only addresses subscribed to; undefined for any address of the channel. */
  readonly addresses?: readonly string[];
  /** Payload fields the consumer uses, as JSON pointers. */
  readonly reads: readonly string[];
  /** The consumer's own rules, a JSON Schema over the payload; `{}` when it has none. */
  readonly accepts: JsonObject;
  readonly accepted: readonly AcceptedDifference[];
  /** Where the subscription is written, `file:line`, for messages. */
  readonly at: string;
}

export interface ConsumerManifest {
  readonly consumer: string;
  readonly description: string;
  readonly file: string;
  readonly subscriptions: readonly Subscription[];
}
