// The version discipline behind `npm run contract:check`: the working spec against the latest
// released contract. Fails on a breaking change without the version step that marks it, on a changed
// contract without a version bump, and on a package.json version that is not the spec's.
import { readFileSync } from "node:fs";
import {
  checkVersionStep,
  compareContracts,
  formatReport,
  readSpec,
  readWitnessFile,
  releasedVersions,
} from "../../src/contract/compatibility/index.js";
import { checkConsumers } from "./check-consumers.js";

export interface ContractCheckPaths {
  spec: string;
  releasedDir: string;
  /** Recorded messages (python-wire fixtures) for the real-message check. */
  messages: string;
  packageJson: string;
  /** Consumer manifests (contracts/consumers); without it, no consumer is checked. */
  consumersDir?: string;
}

export interface ContractCheckResult {
  ok: boolean;
  lines: string[];
}

export function checkContract(paths: ContractCheckPaths): ContractCheckResult {
  const latest = releasedVersions(paths.releasedDir).at(-1);
  if (latest === undefined) return { ok: false, lines: [`no released contract in ${paths.releasedDir}`] };
  const working = readSpec(paths.spec, paths.releasedDir);
  const packageVersion = (JSON.parse(readFileSync(paths.packageJson, "utf8")) as { version: string }).version;
  const released = readSpec(latest, paths.releasedDir);
  const report = compareContracts(released, working, {
    messages: readWitnessFile(paths.messages),
  });
  const verdict = checkVersionStep(report);
  const problems: string[] = [];
  if (!verdict.ok) problems.push(verdict.message);
  if (packageVersion !== working.version) {
    problems.push(
      `package.json has version ${packageVersion}, but ${paths.spec} has info.version ${working.version}; they must be equal`,
    );
  }
  const consumers = paths.consumersDir
    ? checkConsumers(released, working, report, paths.consumersDir)
    : { problems: [], lines: [] };
  problems.push(...consumers.problems);
  const summary =
    problems.length === 0
      ? [`contract check passed: ${verdict.message}`]
      : problems.map((p) => `contract check failed: ${p}`);
  const details = report.changed ? formatReport(report, consumers.consumersOf) : [];
  const body = [...details, ...(details.length > 0 ? [""] : []), ...consumers.lines];
  return { ok: problems.length === 0, lines: [...body, ...(body.length > 0 ? [""] : []), ...summary] };
}
