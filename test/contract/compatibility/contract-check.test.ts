// `npm run contract:check` on temporary copies of the spec, the released contracts and package.json.
import { execFile } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { checkContract } from "../../../scripts/contract/check-contract.js";

const root = resolve(import.meta.dirname, "../../..");
const scratch = mkdtempSync(join(tmpdir(), "contract-check-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const specText = readFileSync(join(root, "asyncapi.yaml"), "utf8");
const version = /^ {2}version: (.+)$/m.exec(specText)?.[1] ?? "";

let copies = 0;
/** A copy of the project's contract files with the spec edited and both versions set to `newVersion`. */
function project(edit: (spec: string) => string, newVersion: string, packageVersion = newVersion) {
  const dir = join(scratch, `copy-${++copies}`);
  cpSync(join(root, "contracts/released"), join(dir, "released"), { recursive: true });
  copyFileSync(join(root, "test/fixtures/python-wire/cases.jsonl"), join(dir, "cases.jsonl"));
  const edited = edit(specText);
  expect(edited === specText).toBe(edit === same);
  writeFileSync(join(dir, "asyncapi.yaml"), edited.replace(/^ {2}version: .+$/m, `  version: ${newVersion}`));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ version: packageVersion }));
  return {
    spec: join(dir, "asyncapi.yaml"),
    releasedDir: join(dir, "released"),
    messages: join(dir, "cases.jsonl"),
    packageJson: join(dir, "package.json"),
  };
}

const same = (spec: string) => spec;
const removeExchange = (spec: string) =>
  spec.replace(
    / {8}exchange:\n {10}type: \[string, "null"\]\n {10}maxLength: 32\n {10}description: .*\n/,
    "",
  );
const describeBetter = (spec: string) =>
  spec.replace("description: The best bid price", "description: The highest bid price");
const annotateOperation = (spec: string) =>
  spec.replace(
    "  publishPriceUpdated:\n    action: send\n",
    "  publishPriceUpdated:\n    action: send\n    x-owner: market-data-team\n",
  );
const bump = (v: string, part: 0 | 1 | 2) =>
  v
    .split(".")
    .map((n, i) => (i < part ? n : i === part ? String(Number(n) + 1) : "0"))
    .join(".");

describe("contract:check", () => {
  it.each([
    ["the released contract itself passes", same, version, true, /unchanged/],
    [
      "a breaking change without a version bump fails",
      removeExchange,
      version,
      false,
      /breaking change without the version step/,
    ],
    [
      "a breaking change with only a minor bump fails (inside the caret range)",
      removeExchange,
      bump(version, 1),
      false,
      /set \d+\.0\.0 or later/,
    ],
    [
      "a breaking change with a major bump passes",
      removeExchange,
      bump(version, 0),
      true,
      /breaking change, marked/,
    ],
    [
      "a documentation change without a bump fails",
      describeBetter,
      version,
      false,
      /changed but its version is still/,
    ],
    [
      "a documentation change with a patch bump passes",
      describeBetter,
      bump(version, 2),
      true,
      /compatible change/,
    ],
    [
      "operation annotations without a bump fail, asking for minor or patch only",
      annotateOperation,
      version,
      false,
      /set \d+\.\d+\.0 \(additions\) or \d+\.\d+\.1/,
    ],
    [
      "operation annotations with a patch bump pass",
      annotateOperation,
      bump(version, 2),
      true,
      /compatible change/,
    ],
  ])("%s", (_name, edit, newVersion, ok, message) => {
    const result = checkContract(project(edit, newVersion));
    expect(result.ok, result.lines.join("\n")).toBe(ok);
    expect(result.lines.join("\n")).toMatch(message);
  });

  it("the removed field is reported with its kind, pointer and whom it breaks", () => {
    const result = checkContract(project(removeExchange, version));
    const text = result.lines.join("\n");
    expect(text).toContain("BREAKS backward  field-removed  price.updated.{symbol} /exchange");
    expect(text).toContain("at old#/components/schemas/PriceUpdateEvent/properties/exchange");
  });

  it("fails when package.json's version is not the spec's", () => {
    const result = checkContract(project(describeBetter, bump(version, 2), version));
    expect(result.ok).toBe(false);
    expect(result.lines.join("\n")).toContain(`package.json has version ${version}`);
  });

  it("fails without any released contract", () => {
    const paths = project(same, version);
    expect(checkContract({ ...paths, releasedDir: join(scratch, "nowhere") })).toEqual({
      ok: false,
      lines: [`no released contract in ${join(scratch, "nowhere")}`],
    });
  });

  it("runs as a script: exit 1 with the reason on stderr", async () => {
    const paths = project(removeExchange, version);
    const args = ["--import", "tsx", join(root, "scripts/contract-check.ts")];
    const options = [
      "--spec",
      paths.spec,
      "--released-dir",
      paths.releasedDir,
      "--messages",
      paths.messages,
      "--package",
      paths.packageJson,
    ];
    const failed = await promisify(execFile)(process.execPath, [...args, ...options], { cwd: root }).catch(
      (e) => e,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("contract check failed: breaking change without the version step");
  });
});
