// Released contracts are kept as files, and CHANGELOG.md lists, for each release, what the checker
// reports against the release before it.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";
import {
  compareContracts,
  formatMarkdown,
  parseWitnessLines,
  readSpec,
  releasedPath,
  releasedVersions,
} from "../../../src/contract/compatibility/index.js";

const root = resolve(import.meta.dirname, "../../..");
const versions = releasedVersions();
const changelog = readFileSync(join(root, "CHANGELOG.md"), "utf8");
const fixtures = parseWitnessLines(
  readFileSync(join(root, "test/fixtures/python-wire/cases.jsonl"), "utf8"),
  "python-wire",
);

function changelogSection(version: string): string {
  const start = changelog.indexOf(`\n## ${version}\n`);
  expect(start, `CHANGELOG.md has no section ## ${version}`).toBeGreaterThanOrEqual(0);
  const end = changelog.indexOf("\n## ", start + 1);
  return changelog.slice(start, end === -1 ? undefined : end);
}

describe("released contracts", () => {
  it("keeps 0.1.0 and every later release, in version order", () => {
    expect(versions[0]).toBe("0.1.0");
    expect(versions).toContain("1.0.0");
  });

  it.each(versions)("%s declares the version its file is named for", (version) => {
    expect(readSpec(version).version).toBe(version);
  });

  it("the working spec is byte for byte the released file of its version, or newer than every release", () => {
    const spec = readFileSync(join(root, "asyncapi.yaml"), "utf8");
    const version = /^ {2}version: (.+)$/m.exec(spec)?.[1] ?? "";
    if (versions.includes(version)) expect(readFileSync(releasedPath(version), "utf8")).toBe(spec);
    else expect(semver.gt(version, versions.at(-1) ?? "0.0.0"), "an unreleased version is newer").toBe(true);
  });

  it.each(versions.slice(1).map((v, i) => [v, versions[i] as string]))(
    "CHANGELOG.md's %s section lists the checker's report against %s",
    (version, previous) => {
      const report = compareContracts(readSpec(previous), readSpec(version), { messages: fixtures });
      const section = changelogSection(version);
      for (const line of formatMarkdown(report)) expect(section).toContain(line);
    },
  );
});
