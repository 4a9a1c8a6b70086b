// The parts of an AsyncAPI 3 document that compatibility is judged on: channels (address, parameters,
// messages with payload and examples) and operations, each with the JSON pointer that defines it.
import {
  child,
  childPointer,
  isObject,
  type Json,
  type JsonObject,
  type Located,
  resolve,
  type SpecDocument,
  SpecDocumentError,
} from "./spec-document.js";

export interface MessagePart {
  readonly key: string;
  readonly name: string;
  readonly located: Located;
  readonly payload: Located | undefined;
  readonly examples: readonly { readonly label: string; readonly pointer: string; readonly payload: Json }[];
}

export interface ChannelPart {
  readonly id: string;
  readonly address: string;
  readonly located: Located;
  readonly parameters: ReadonlyMap<string, Located>;
  readonly messages: ReadonlyMap<string, MessagePart>;
}

export interface OperationPart {
  readonly id: string;
  readonly located: Located;
  readonly action: string;
  /** The id of the channel the operation's `channel` $ref points to. */
  readonly channelId: string;
}

export interface ContractParts {
  readonly channels: ReadonlyMap<string, ChannelPart>;
  readonly operations: ReadonlyMap<string, OperationPart>;
}

export function contractParts(doc: SpecDocument): ContractParts {
  const root: Located = { node: doc.root, pointer: "" };
  const channels = new Map<string, ChannelPart>();
  for (const [id, located] of entries(doc, child(doc, root, "channels"))) {
    channels.set(id, channelPart(doc, id, located));
  }
  const operations = new Map<string, OperationPart>();
  for (const [id, located] of entries(doc, child(doc, root, "operations"))) {
    const node = located.node as JsonObject;
    const channelRef = isObject(node.channel) ? node.channel : undefined;
    const target = channelRef
      ? resolve(doc, { node: channelRef, pointer: childPointer(located.pointer, "channel") })
      : undefined;
    const channelId = target?.pointer.startsWith("/channels/")
      ? target.pointer.slice("/channels/".length)
      : "";
    operations.set(id, { id, located, action: String(node.action ?? ""), channelId });
  }
  return { channels, operations };
}

function channelPart(doc: SpecDocument, id: string, located: Located): ChannelPart {
  const node = located.node as JsonObject;
  const address = typeof node.address === "string" ? node.address : id;
  const parameters = new Map(entries(doc, child(doc, located, "parameters")));
  const messages = new Map<string, MessagePart>();
  for (const [key, message] of entries(doc, child(doc, located, "messages"))) {
    messages.set(key, messagePart(doc, key, message));
  }
  return { id, address, located, parameters, messages };
}

function messagePart(doc: SpecDocument, key: string, located: Located): MessagePart {
  const node = located.node as JsonObject;
  const examples = (Array.isArray(node.examples) ? node.examples : []).flatMap((example, index) => {
    if (!isObject(example) || example.payload === undefined) return [];
    const pointer = childPointer(located.pointer, "examples", index, "payload");
    const label = typeof example.name === "string" ? example.name : `#${index + 1}`;
    return [{ label, pointer, payload: example.payload }];
  });
  return {
    key,
    name: typeof node.name === "string" ? node.name : key,
    located,
    payload: child(doc, located, "payload"),
    examples,
  };
}

/** The entries of a mapping in the document, each resolved; every entry must be a mapping. */
function entries(doc: SpecDocument, parent: Located | undefined): [string, Located][] {
  if (!parent || !isObject(parent.node)) return [];
  return Object.keys(parent.node).map((key) => {
    const located = child(doc, parent, key) as Located;
    if (!isObject(located.node)) {
      throw new SpecDocumentError(doc.source, located.pointer, "must be a mapping");
    }
    return [key, located];
  });
}
