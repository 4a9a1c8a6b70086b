// Compares two contracts: the rules (spec-diff.ts, schema-diff.ts), then the same question asked of
// real messages (message-check.ts). The result says whether anything changed and whether it breaks.
import { type Finding, finding, isBreaking } from "./findings.js";
import { checkMessages, exampleWitnesses, type WitnessMessage } from "./message-check.js";
import { diffSpecs } from "./spec-diff.js";
import { isObject, jsonEqual, type SpecDocument } from "./spec-document.js";

export interface CompatibilityReport {
  readonly old: { readonly source: string; readonly version: string };
  readonly new: { readonly source: string; readonly version: string };
  /** Whether the documents differ apart from `info.version`. */
  readonly changed: boolean;
  readonly breaking: boolean;
  readonly findings: readonly Finding[];
}

export interface CompareOptions {
  /** Messages besides the specs' own examples, e.g. the python-wire fixtures. */
  readonly messages?: readonly WitnessMessage[];
}

export function compareContracts(
  oldDoc: SpecDocument,
  newDoc: SpecDocument,
  options: CompareOptions = {},
): CompatibilityReport {
  const findings = diffSpecs(oldDoc, newDoc);
  const witnesses = [
    ...exampleWitnesses(oldDoc, true, "old"),
    ...exampleWitnesses(newDoc, false, "new"),
    ...(options.messages ?? []),
  ];
  findings.push(...checkMessages(oldDoc, newDoc, witnesses));
  const withoutVersion = (doc: SpecDocument) => ({
    ...doc.root,
    info: isObject(doc.root.info) ? { ...doc.root.info, version: null } : null,
  });
  const changed = !jsonEqual(withoutVersion(oldDoc), withoutVersion(newDoc));
  if (changed && findings.length === 0) {
    // Nothing a rule looks at changed (an unused component, say), but the contract is not the same text.
    findings.push(
      finding({
        kind: "document-changed",
        pointer: "",
        spec: "new",
        channel: "",
        breaks: [],
        reason: "parts of the document that no channel uses changed",
      }),
    );
  }
  const order = (f: Finding) =>
    `${f.channel}\u0000${f.breaks.length > 0 ? 0 : 1}\u0000${f.field ?? ""}\u0000${f.kind}`;
  findings.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return {
    old: { source: oldDoc.source, version: oldDoc.version },
    new: { source: newDoc.source, version: newDoc.version },
    changed,
    breaking: isBreaking(findings),
    findings,
  };
}
