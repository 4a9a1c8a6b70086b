// The version a change needs agrees with npm's caret ranges: a breaking change must leave ^previous.
import semver from "semver";
import { describe, expect, it } from "vitest";
import { checkVersionStep, nextBreakingVersion } from "../../../src/contract/compatibility/index.js";

const step = (from: string, to: string, changed: boolean, breaking: boolean) =>
  checkVersionStep({
    old: { source: "old", version: from },
    new: { source: "new", version: to },
    changed,
    breaking,
  });

describe("the version rule", () => {
  it.each([
    ["unchanged contract, same version", "1.0.0", "1.0.0", false, false, true],
    ["unchanged contract, a bump is allowed (a packaging fix)", "1.0.0", "1.0.1", false, false, true],
    ["changed but not bumped", "1.0.0", "1.0.0", true, false, false],
    ["changed, not bumped, in 0.x", "0.1.0", "0.1.0", true, false, false],
    ["compatible change, patch in 0.x (^0.1.0 takes it)", "0.1.0", "0.1.1", true, false, true],
    ["compatible change, minor in 1.x", "1.0.0", "1.1.0", true, false, true],
    [
      "compatible change, patch in 1.x (documentation, operation annotations)",
      "1.0.0",
      "1.0.1",
      true,
      false,
      true,
    ],
    ["breaking change, patch in 0.x stays inside ^0.1.0", "0.1.0", "0.1.1", true, true, false],
    ["breaking change, minor in 0.x leaves ^0.1.0", "0.1.0", "0.2.0", true, true, true],
    ["breaking change, 0.1.0 to 1.0.0", "0.1.0", "1.0.0", true, true, true],
    ["breaking change, minor in 1.x stays inside ^1.0.0", "1.0.0", "1.1.0", true, true, false],
    ["breaking change, not bumped", "1.0.0", "1.0.0", true, true, false],
    ["breaking change, major in 1.x", "1.4.2", "2.0.0", true, true, true],
    ["breaking change in 0.0.x: any patch leaves ^0.0.3", "0.0.3", "0.0.4", true, true, true],
    ["a version that went down", "1.0.0", "0.9.0", true, false, false],
    ["not a semantic version", "1.0.0", "1.1", true, false, false],
  ])("%s: %s → %s", (_name, from, to, changed, breaking, ok) => {
    const verdict = step(from, to, changed, breaking);
    expect(verdict.ok, verdict.message).toBe(ok);
    expect(verdict.message).toMatch(/\S/);
  });

  it("names the version a breaking change needs", () => {
    expect(step("1.0.0", "1.0.1", true, true).message).toContain("set 2.0.0 or later");
    expect(step("0.1.0", "0.1.1", true, true).message).toContain("set 0.2.0 or later");
  });

  it("asks only for a minor or patch step when a change is compatible", () => {
    expect(step("1.0.0", "1.0.0", true, false).message).toBe(
      "the contract changed but its version is still 1.0.0: set 1.1.0 (additions) or 1.0.1 (documentation only)",
    );
  });

  it.each(["0.0.3", "0.1.0", "0.9.12", "1.0.0", "2.3.4"])(
    "nextBreakingVersion(%s) is the first version ^ excludes",
    (v) => {
      const next = nextBreakingVersion(v);
      expect(semver.satisfies(next, `^${v}`)).toBe(false);
      for (const smaller of ["patch", "minor"] as const) {
        const candidate = semver.inc(v, smaller) as string;
        if (semver.lt(candidate, next)) expect(semver.satisfies(candidate, `^${v}`)).toBe(true);
      }
    },
  );
});
