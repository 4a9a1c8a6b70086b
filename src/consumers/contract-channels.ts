// The contract as the consumer check needs it, from any spec (the package's, a released one, a
// draft): per channel its payload schema, examples, how an address is built from a payload, and
// the producers' (strict) validator that every counterexample must pass.
import { contractParts } from "../contract/compatibility/contract-parts.js";
import { compileValidators } from "../contract/compatibility/message-check.js";
import {
  dereference,
  isObject,
  type Json,
  type JsonObject,
  type SpecDocument,
} from "../contract/compatibility/spec-document.js";

export interface ContractChannel {
  /** The address as the spec writes it: `price.updated.{symbol}`. */
  readonly address: string;
  readonly payload: JsonObject;
  readonly examples: readonly Json[];
  /** Each parameter and the payload field it is taken from (`symbol` → `/symbol`). */
  readonly parameters: ReadonlyMap<string, string>;
  /** Whether producers may send this payload (strict view), on the address built from it. */
  readonly producersMaySend: (payload: unknown) => boolean;
}

/** Another check every counterexample must pass, e.g. the package's generated validators. */
export type ExtraCheck = (channel: string, address: string, payload: unknown) => boolean;

export function contractChannels(doc: SpecDocument, extraCheck?: ExtraCheck): Map<string, ContractChannel> {
  const validators = compileValidators(doc);
  const result = new Map<string, ContractChannel>();
  for (const channel of contractParts(doc).channels.values()) {
    const message = [...channel.messages.values()][0];
    const strict = validators.find((v) => v.channel.address === channel.address)?.strict;
    if (!message?.payload || !strict) continue;
    const parameters = new Map(
      [...channel.parameters].map(([name, located]) => [name, payloadPointerOf(located.node)]),
    );
    const entry: ContractChannel = {
      address: channel.address,
      payload: dereference(doc, message.payload) as JsonObject,
      examples: message.examples.map((e) => e.payload),
      parameters,
      producersMaySend: (payload) => {
        if (!strict(payload)) return false;
        const address = addressOf(entry, payload);
        return address !== undefined && (extraCheck?.(channel.address, address, payload) ?? true);
      },
    };
    result.set(channel.address, entry);
  }
  return result;
}

/** `$message.payload#/symbol` → `/symbol`. */
function payloadPointerOf(node: Json): string {
  const location = isObject(node) && typeof node.location === "string" ? node.location : "";
  return location.replace(/^\$message\.payload#/, "");
}

/** The concrete address a payload travels on (`price.updated.AAPL`), or undefined if a parameter is missing. */
export function addressOf(channel: ContractChannel, payload: unknown): string | undefined {
  let missing = false;
  const address = channel.address.replace(/\{([^}]*)\}/g, (_, name: string) => {
    const value = valueAt(payload, channel.parameters.get(name) ?? "");
    if (typeof value !== "string" || value === "") missing = true;
    return String(value);
  });
  return missing ? undefined : address;
}

export function valueAt(payload: unknown, pointer: string): unknown {
  let node: unknown = payload;
  for (const segment of pointer.split("/").slice(1)) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
