// Who a contract change breaks, by name. A breaking change on a channel breaks each declared
// consumer of that channel: their validators see every field. The exception is an optional field
// that disappears: messages stay valid, so it breaks only the consumers that read or constrain it.
import type { Finding } from "../contract/compatibility/findings.js";
import { isObject, nodeAt, type SpecDocument } from "../contract/compatibility/spec-document.js";
import { ruleFields } from "./field-candidates.js";
import type { ConsumerManifest, Subscription } from "./manifest.js";

/** The consumers a breaking finding breaks, sorted; empty for a compatible one. */
export function consumersBrokenBy(
  finding: Finding,
  manifests: readonly ConsumerManifest[],
  oldDoc: SpecDocument,
): string[] {
  if (finding.breaks.length === 0) return [];
  const onlyReaders = finding.kind === "field-removed" && wasOptional(oldDoc, finding.pointer);
  return manifests
    .filter((m) =>
      m.subscriptions.some(
        (s) =>
          (finding.channel === "" || s.channel === finding.channel) &&
          (!onlyReaders || usesField(s, finding.field ?? "")),
      ),
    )
    .map((m) => m.consumer)
    .sort();
}

/** Whether the subscription reads or constrains the field, a field inside it, or an object around it. */
function usesField(subscription: Subscription, field: string): boolean {
  const used = [...subscription.reads, ...ruleFields(subscription.accepts)];
  return used.some((u) => u === field || u.startsWith(`${field}/`) || field.startsWith(`${u}/`));
}

/** `…/properties/<name>` in the old document: whether <name> was missing from its object's `required`. */
function wasOptional(doc: SpecDocument, propertyPointer: string): boolean {
  const match = /^(.*)\/properties\/([^/]+)$/.exec(propertyPointer);
  if (!match) return false;
  const parent = nodeAt(doc, match[1] as string);
  const name = (match[2] as string).replace(/~1/g, "/").replace(/~0/g, "~");
  const required = isObject(parent) && Array.isArray(parent.required) ? parent.required : [];
  return !required.includes(name);
}
