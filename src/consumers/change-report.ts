// A compatibility report with its declared consumers: each finding names the consumers it breaks,
// and each consumer's differences with the new contract are listed, new ones marked.
import type { CompatibilityReport } from "../contract/compatibility/compare.js";
import type { Finding } from "../contract/compatibility/findings.js";
import type { SpecDocument } from "../contract/compatibility/spec-document.js";
import { type ConsumerDifference, consumerDifferences, unaccepted } from "./consumer-differences.js";
import type { ConsumerManifest } from "./manifest.js";
import { consumersBrokenBy } from "./name-consumers.js";

export interface ConsumerChangeReport extends Omit<CompatibilityReport, "findings"> {
  readonly findings: readonly (Finding & { readonly consumers: readonly string[] })[];
  readonly consumerDifferences: readonly ConsumerDifference[];
  /** A difference this change brings that no consumer accepted: the change breaks that consumer. */
  readonly breaksConsumers: boolean;
}

export function withConsumers(
  report: CompatibilityReport,
  oldDoc: SpecDocument,
  newDoc: SpecDocument,
  manifests: readonly ConsumerManifest[],
): ConsumerChangeReport {
  const differences = consumerDifferences(oldDoc, newDoc, manifests);
  return {
    ...report,
    findings: report.findings.map((f) => ({ ...f, consumers: consumersBrokenBy(f, manifests, oldDoc) })),
    consumerDifferences: differences,
    breaksConsumers: unaccepted(differences).some((d) => d.isNew),
  };
}
