// The version a contract change needs, in npm's own terms: a breaking change must leave the caret
// range of the previous version (`^0.1.0` is `<0.2.0`, `^1.2.0` is `<2.0.0`), so that a consumer's
// `^` range only ever installs compatible contracts; any other change needs some higher version.
import semver from "semver";
import type { CompatibilityReport } from "./compare.js";

export interface VersionVerdict {
  readonly ok: boolean;
  readonly message: string;
}

/** The smallest version after `version` that its caret range excludes. */
export function nextBreakingVersion(version: string): string {
  for (const step of ["patch", "minor", "major"] as const) {
    const next = semver.inc(version, step) as string;
    if (!semver.satisfies(next, `^${version}`)) return next;
  }
  return semver.inc(version, "major") as string;
}

export function checkVersionStep(
  report: Pick<CompatibilityReport, "old" | "new" | "changed" | "breaking">,
): VersionVerdict {
  const before = report.old.version;
  const after = report.new.version;
  for (const version of [before, after]) {
    if (!semver.valid(version))
      return { ok: false, message: `${version} is not a semantic version (MAJOR.MINOR.PATCH)` };
  }
  if (semver.lt(after, before))
    return { ok: false, message: `the version went down from ${before} to ${after}` };
  if (!report.changed) return { ok: true, message: `the contract is unchanged (${before} → ${after})` };
  const breakingStep = nextBreakingVersion(before);
  if (report.breaking) {
    if (semver.satisfies(after, `^${before}`, { includePrerelease: true })) {
      return {
        ok: false,
        message: `breaking change without the version step that marks it: ${after} is inside ^${before}, so consumers on ^${before} would install it; set ${breakingStep} or later`,
      };
    }
    return { ok: true, message: `breaking change, marked by leaving ^${before} (${before} → ${after})` };
  }
  if (semver.eq(after, before)) {
    const compatible =
      semver.major(before) === 0
        ? semver.inc(before, "patch")
        : `${semver.inc(before, "minor")} (additions) or ${semver.inc(before, "patch")} (documentation only)`;
    return {
      ok: false,
      message: `the contract changed but its version is still ${before}: set ${compatible}`,
    };
  }
  return { ok: true, message: `compatible change (${before} → ${after})` };
}
