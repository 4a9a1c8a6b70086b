// Compares two AsyncAPI documents: channels, addresses, parameters, messages and operations, then
// every matched payload schema (schema-diff.ts). Anything else that changed is reported as metadata.
import { type ChannelPart, type ContractParts, contractParts, type MessagePart } from "./contract-parts.js";
import { type Direction, type Finding, finding } from "./findings.js";
import { compareOperations } from "./operation-diff.js";
import { compareSchemas, type SchemaDiffContext } from "./schema-diff.js";
import { withoutAnnotations } from "./schema-keywords.js";
import {
  childPointer,
  dereference,
  isObject,
  type Json,
  type JsonObject,
  jsonEqual,
  type SpecDocument,
} from "./spec-document.js";

const BOTH: readonly Direction[] = ["backward", "forward"];

/** Every change between two documents; empty when they are equal apart from `info.version`. */
export function diffSpecs(oldDoc: SpecDocument, newDoc: SpecDocument): Finding[] {
  const findings: Finding[] = [];
  const before = contractParts(oldDoc);
  const after = contractParts(newDoc);
  const channelPairs = pairChannels(before, after, findings);
  for (const [oldChannel, newChannel] of channelPairs)
    compareChannels(oldDoc, newDoc, oldChannel, newChannel, findings);
  compareOperations(before, after, channelPairs, findings);
  documentChanges(oldDoc, newDoc, findings);
  return findings;
}

/** Channels matched by id, or by address when only the id changed (a rename). */
function pairChannels(
  before: ContractParts,
  after: ContractParts,
  findings: Finding[],
): [ChannelPart, ChannelPart][] {
  const pairs: [ChannelPart, ChannelPart][] = [];
  const unmatched = new Map([...after.channels].filter(([id]) => !before.channels.has(id)));
  for (const [id, oldChannel] of before.channels) {
    const same = after.channels.get(id);
    const renamed = same ? undefined : [...unmatched.values()].find((c) => c.address === oldChannel.address);
    const newChannel = same ?? renamed;
    if (renamed) {
      unmatched.delete(renamed.id);
      findings.push(
        finding({
          kind: "channel-renamed",
          pointer: renamed.located.pointer,
          spec: "new",
          channel: renamed.address,
          breaks: [],
          reason: `the channel's key went from ${id} to ${renamed.id}; its address, what producers and consumers meet on, is the same`,
        }),
      );
    }
    if (newChannel) pairs.push([oldChannel, newChannel]);
    else
      findings.push(
        finding({
          kind: "channel-removed",
          pointer: oldChannel.located.pointer,
          spec: "old",
          channel: oldChannel.address,
          breaks: BOTH,
          reason:
            "the channel is gone: consumers of the old contract wait for messages no new producer sends, and old producers publish where no new consumer listens",
        }),
      );
  }
  for (const channel of unmatched.values()) {
    findings.push(
      finding({
        kind: "channel-added",
        pointer: channel.located.pointer,
        spec: "new",
        channel: channel.address,
        breaks: [],
        reason: "a new channel: nobody on the old contract publishes or subscribes to it",
      }),
    );
  }
  return pairs;
}

function compareChannels(
  oldDoc: SpecDocument,
  newDoc: SpecDocument,
  before: ChannelPart,
  after: ChannelPart,
  findings: Finding[],
): void {
  const channel = after.address;
  if (before.address !== after.address) {
    findings.push(
      finding({
        kind: "address-changed",
        pointer: childPointer(after.located.pointer, "address"),
        spec: "new",
        channel,
        breaks: BOTH,
        reason: `the address went from ${before.address} to ${after.address}: producers and consumers on different versions no longer meet`,
      }),
    );
  }
  for (const name of new Set([...before.parameters.keys(), ...after.parameters.keys()])) {
    const oldParam = before.parameters.get(name);
    const newParam = after.parameters.get(name);
    const at = newParam
      ? { pointer: newParam.pointer, spec: "new" as const }
      : { pointer: (oldParam ?? after.located).pointer, spec: "old" as const };
    if (!oldParam || !newParam) {
      findings.push(
        finding({
          ...at,
          kind: `parameter-${newParam ? "added" : "removed"}`,
          channel,
          breaks: BOTH,
          reason: `the address parameter {${name}} was ${newParam ? "added" : "removed"}, so concrete addresses change`,
        }),
      );
    } else if (!jsonEqual(withoutAnnotations(oldParam.node), withoutAnnotations(newParam.node))) {
      findings.push(
        finding({
          ...at,
          kind: "parameter-changed",
          channel,
          breaks: BOTH,
          reason: `the address parameter {${name}} now takes its value differently (location, enum or default changed)`,
        }),
      );
    } else if (!jsonEqual(oldParam.node, newParam.node)) {
      findings.push(
        finding({
          ...at,
          kind: "annotation-changed",
          channel,
          breaks: [],
          reason: `only the documentation of the parameter {${name}} changed`,
        }),
      );
    }
  }
  compareMessages(oldDoc, newDoc, before, after, findings);
}

/** Messages matched by key, or by payload shape when only the key or name changed (a rename). */
function compareMessages(
  oldDoc: SpecDocument,
  newDoc: SpecDocument,
  before: ChannelPart,
  after: ChannelPart,
  findings: Finding[],
): void {
  const ctx: SchemaDiffContext = { oldDoc, newDoc, channel: after.address, findings };
  const unmatched = new Map([...after.messages].filter(([key]) => !before.messages.has(key)));
  for (const [key, oldMessage] of before.messages) {
    const newMessage = after.messages.get(key) ?? takeRenamedMessage(ctx, oldMessage, unmatched);
    if (newMessage) compareMessagePair(ctx, key, oldMessage, newMessage);
    else
      findings.push(
        finding({
          kind: "message-removed",
          pointer: oldMessage.located.pointer,
          spec: "old",
          channel: ctx.channel,
          breaks: ["forward"],
          reason: `the message ${oldMessage.name} is gone: producers of the old contract still send it, and consumers of the new one do not know it`,
        }),
      );
  }
  for (const message of unmatched.values()) {
    findings.push(
      finding({
        kind: "message-added",
        pointer: message.located.pointer,
        spec: "new",
        channel: ctx.channel,
        breaks: ["backward"],
        reason: `the message ${message.name} is new on this channel: consumers of the old contract refuse it`,
      }),
    );
  }
}

/** Removes from `unmatched` and returns the new message whose payload has the old one's shape, if any. */
function takeRenamedMessage(
  ctx: SchemaDiffContext,
  oldMessage: MessagePart,
  unmatched: Map<string, MessagePart>,
): MessagePart | undefined {
  const oldShape = payloadShape(ctx.oldDoc, oldMessage);
  const renamed = [...unmatched.values()].find((m) => jsonEqual(payloadShape(ctx.newDoc, m), oldShape));
  if (renamed) unmatched.delete(renamed.key);
  return renamed;
}

/** The payload schema as validation sees it (annotations dropped); null for a message without one. */
function payloadShape(doc: SpecDocument, message: MessagePart): Json {
  return message.payload ? withoutAnnotations(dereference(doc, message.payload)) : null;
}

/** One old message and its match: name, content type, documentation, then the payload schema. */
function compareMessagePair(
  ctx: SchemaDiffContext,
  oldKey: string,
  oldMessage: MessagePart,
  newMessage: MessagePart,
): void {
  const { channel, findings } = ctx;
  if (newMessage.name !== oldMessage.name || newMessage.key !== oldKey) {
    findings.push(
      finding({
        kind: "message-renamed",
        pointer: newMessage.located.pointer,
        spec: "new",
        channel,
        breaks: BOTH,
        reason: `the message ${oldMessage.name} is now called ${newMessage.name}: the payload is the same on the wire, but code on either side that names its TypeScript type or JSON Schema file breaks`,
      }),
    );
  }
  const oldNode = oldMessage.located.node as JsonObject;
  const newNode = newMessage.located.node as JsonObject;
  if (!jsonEqual(oldNode.contentType, newNode.contentType)) {
    findings.push(
      finding({
        kind: "content-type-changed",
        pointer: childPointer(newMessage.located.pointer, "contentType"),
        spec: "new",
        channel,
        breaks: BOTH,
        reason: `the content type went from ${String(oldNode.contentType ?? "the default")} to ${String(newNode.contentType ?? "the default")}`,
      }),
    );
  }
  if (!jsonEqual(documentationFields(oldNode), documentationFields(newNode))) {
    findings.push(
      finding({
        kind: "annotation-changed",
        pointer: newMessage.located.pointer,
        spec: "new",
        channel,
        breaks: [],
        reason: `the message ${newMessage.name}'s documentation or examples changed; what it accepts is the same`,
      }),
    );
  }
  if (oldMessage.payload && newMessage.payload) {
    compareSchemas(ctx, oldMessage.payload, newMessage.payload, "");
  }
}

/** A message's fields apart from those compared on their own (payload, contentType, name). */
function documentationFields(node: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(node).filter(([key]) => !["payload", "contentType", "name"].includes(key)),
  );
}

/** Top-level parts outside channels, operations and reachable components: metadata, except the default content type. */
function documentChanges(oldDoc: SpecDocument, newDoc: SpecDocument, findings: Finding[]): void {
  const skip = new Set(["channels", "operations", "components"]);
  const info = (doc: SpecDocument) =>
    isObject(doc.root.info) ? { ...doc.root.info, version: null } : doc.root.info;
  for (const key of new Set([...Object.keys(oldDoc.root), ...Object.keys(newDoc.root)])) {
    if (skip.has(key)) continue;
    const [a, b] = key === "info" ? [info(oldDoc), info(newDoc)] : [oldDoc.root[key], newDoc.root[key]];
    if (jsonEqual(a, b)) continue;
    const breaks = key === "defaultContentType" ? BOTH : [];
    const inNew = Object.hasOwn(newDoc.root, key);
    findings.push(
      finding({
        kind: key === "defaultContentType" ? "content-type-changed" : "metadata-changed",
        pointer: `/${key}`,
        spec: inNew ? "new" : "old",
        channel: "",
        breaks,
        reason:
          key === "defaultContentType"
            ? "the default content type changed"
            : `\`${key}\` changed: documentation or deployment information, not what any message carries`,
      }),
    );
  }
}
