// Compares the operations of two documents: who sends or receives on which channel. Only action,
// channel and messages decide compatibility; titles, tags and x- extensions are metadata.
import type { ChannelPart, ContractParts, OperationPart } from "./contract-parts.js";
import { type Direction, type Finding, finding } from "./findings.js";
import { type JsonObject, jsonEqual } from "./spec-document.js";

const BOTH: readonly Direction[] = ["backward", "forward"];

export function compareOperations(
  before: ContractParts,
  after: ContractParts,
  channelPairs: [ChannelPart, ChannelPart][],
  findings: Finding[],
): void {
  const newIdOf = new Map(channelPairs.map(([o, n]) => [o.id, n.id]));
  const addressOf = (parts: ContractParts, id: string) => parts.channels.get(id)?.address ?? "";
  const sameRole = (o: OperationPart, n: OperationPart) =>
    o.action === n.action && newIdOf.get(o.channelId) === n.channelId;
  const unmatched = new Map([...after.operations].filter(([id]) => !before.operations.has(id)));
  for (const [id, oldOp] of before.operations) {
    let newOp = after.operations.get(id);
    if (!newOp) {
      newOp = [...unmatched.values()].find((n) => sameRole(oldOp, n));
      if (newOp) {
        unmatched.delete(newOp.id);
        findings.push(
          finding({
            kind: "operation-renamed",
            pointer: newOp.located.pointer,
            spec: "new",
            channel: addressOf(after, newOp.channelId),
            breaks: [],
            reason: `the operation ${id} is now called ${newOp.id}; who sends or receives on which channel is the same`,
          }),
        );
      }
    }
    if (!newOp) {
      findings.push(operationRemoved(before, after, oldOp, newIdOf));
      continue;
    }
    compareOperation(oldOp, newOp, sameRole(oldOp, newOp), addressOf(after, newOp.channelId), findings);
  }
  for (const op of unmatched.values()) {
    findings.push(
      finding({
        kind: "operation-added",
        pointer: op.located.pointer,
        spec: "new",
        channel: addressOf(after, op.channelId),
        breaks: [],
        reason: `the operation ${op.id} (${op.action}) documents a new sender or receiver; no message changes`,
      }),
    );
  }
}

function operationRemoved(
  before: ContractParts,
  after: ContractParts,
  op: OperationPart,
  newIdOf: Map<string, string>,
): Finding {
  const newChannelId = newIdOf.get(op.channelId);
  const stillDone = [...after.operations.values()].some(
    (n) => n.action === op.action && n.channelId === newChannelId,
  );
  const breaks: Direction[] =
    stillDone || newChannelId === undefined ? [] : op.action === "send" ? ["backward"] : ["forward"];
  const reason =
    breaks.length === 0
      ? `the operation ${op.id} was removed; the channel still has a ${op.action} operation (or is itself removed)`
      : op.action === "send"
        ? `the channel's last send operation ${op.id} was removed: consumers of the old contract wait for messages no producer of the new one sends`
        : `the channel's last receive operation ${op.id} was removed: producers of the old contract publish where no consumer of the new one listens`;
  return finding({
    kind: "operation-removed",
    pointer: op.located.pointer,
    spec: "old",
    channel: before.channels.get(op.channelId)?.address ?? "",
    breaks,
    reason,
  });
}

function compareOperation(
  oldOp: OperationPart,
  newOp: OperationPart,
  sameRole: boolean,
  channel: string,
  findings: Finding[],
): void {
  const at = { pointer: newOp.located.pointer, spec: "new" as const, channel };
  if (!sameRole) {
    findings.push(
      finding({
        ...at,
        kind: oldOp.action === newOp.action ? "operation-channel-changed" : "operation-action-changed",
        breaks: BOTH,
        reason: `the operation ${newOp.id} went from ${oldOp.action} on ${oldOp.channelId} to ${newOp.action} on ${newOp.channelId}`,
      }),
    );
  }
  const oldNode = oldOp.located.node as JsonObject;
  const newNode = newOp.located.node as JsonObject;
  const messages = (node: JsonObject) => (Array.isArray(node.messages) ? node.messages.length : 0);
  if (messages(oldNode) !== messages(newNode)) {
    findings.push(
      finding({
        ...at,
        kind: "operation-messages-changed",
        breaks: BOTH,
        reason: `the operation ${newOp.id} now covers ${messages(newNode)} message(s) instead of ${messages(oldNode)}`,
      }),
    );
  }
  const metadata = (node: JsonObject) =>
    Object.fromEntries(Object.entries(node).filter(([k]) => !["action", "channel", "messages"].includes(k)));
  const changed = [...new Set([...Object.keys(oldNode), ...Object.keys(newNode)])].filter(
    (k) => !["action", "channel", "messages"].includes(k) && !jsonEqual(oldNode[k], newNode[k]),
  );
  if (!jsonEqual(metadata(oldNode), metadata(newNode))) {
    findings.push(
      finding({
        ...at,
        kind: "operation-metadata-changed",
        breaks: [],
        reason: `the operation ${newOp.id}'s ${changed.join(", ")} changed: documentation and annotations (title, tags, x- extensions), not what is sent`,
      }),
    );
  }
}
