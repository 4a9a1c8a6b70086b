// The compatibility checker's public surface: compare two contracts, judge the version step, report.
export { type CompareOptions, type CompatibilityReport, compareContracts } from "./compare.js";
export type { Direction, Finding } from "./findings.js";
export type { WitnessMessage } from "./message-check.js";
export { defaultReleasedDir, readSpec, releasedPath, releasedVersions } from "./released.js";
export { formatMarkdown, formatReport } from "./report.js";
export { parseSpecDocument, type SpecDocument, SpecDocumentError } from "./spec-document.js";
export { checkVersionStep, nextBreakingVersion, type VersionVerdict } from "./version-rule.js";
export { parseWitnessLines, readWitnessFile } from "./witness-file.js";
