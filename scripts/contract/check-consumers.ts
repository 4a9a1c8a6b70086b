// The consumer part of `npm run contract:check`: the working spec against every consumer manifest.
// A difference a consumer's manifest does not accept fails the check (marked NEW when the latest
// released contract did not have it); accepted ones are listed and do not fail.

import { formatDifferences, readManifests, unaccepted, withConsumers } from "../../src/consumers/index.js";
import type { CompatibilityReport } from "../../src/contract/compatibility/compare.js";
import type { Finding } from "../../src/contract/compatibility/findings.js";
import type { SpecDocument } from "../../src/contract/compatibility/spec-document.js";

export interface ConsumerCheck {
  problems: string[];
  lines: string[];
  consumersOf?: (f: Finding) => readonly string[];
}

export function checkConsumers(
  released: SpecDocument,
  working: SpecDocument,
  report: CompatibilityReport,
  consumersDir: string,
): ConsumerCheck {
  const manifests = readManifests(consumersDir);
  const withNames = withConsumers(report, released, working, manifests);
  const names = new Map(withNames.findings.map((f, i) => [report.findings[i] as Finding, f.consumers]));
  const open = unaccepted(withNames.consumerDifferences);
  const problems = open.map(
    (d) =>
      `${d.consumer} ${d.isNew ? "newly " : ""}${d.kind === "rejects" ? "rejects messages the contract allows" : d.kind === "reads" ? "reads a field the contract does not guarantee" : "subscribes to what the contract does not have"} (${d.channel}${d.field ? ` ${d.field}` : ""} ${d.rule}), and its manifest does not accept it`,
  );
  return {
    problems,
    lines: formatDifferences(withNames.consumerDifferences),
    consumersOf: (f) => names.get(f) ?? [],
  };
}
