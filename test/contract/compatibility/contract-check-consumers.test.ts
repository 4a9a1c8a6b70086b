// `npm run contract:check` with consumer manifests: a change that newly makes a declared consumer
// reject valid messages (or read what is no longer guaranteed) fails; an accepted, known
// difference is listed and does not fail; breaking changes name their consumers.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkContract } from "../../../scripts/contract/check-contract.js";

const root = resolve(import.meta.dirname, "../../..");
const scratch = mkdtempSync(join(tmpdir(), "contract-check-consumers-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const specText = readFileSync(join(root, "asyncapi.yaml"), "utf8");
const consoleText = readFileSync(join(root, "contracts/consumers/web-console.yaml"), "utf8");
const version = /^ {2}version: (.+)$/m.exec(specText)?.[1] ?? "";
const major = `${Number(version.split(".")[0]) + 1}.0.0`;

let copies = 0;
/** The project's contract files with the spec edited (versions set to `newVersion`) and the console's manifest edited. */
function project(editSpec: (s: string) => string, newVersion: string, editConsole = (m: string) => m) {
  const dir = join(scratch, `copy-${++copies}`);
  cpSync(join(root, "contracts/released"), join(dir, "released"), { recursive: true });
  mkdirSync(join(dir, "consumers"));
  writeFileSync(join(dir, "consumers/web-console.yaml"), editConsole(consoleText));
  writeFileSync(join(dir, "cases.jsonl"), "");
  writeFileSync(
    join(dir, "asyncapi.yaml"),
    editSpec(specText).replace(/^ {2}version: .+$/m, `  version: ${newVersion}`),
  );
  writeFileSync(join(dir, "package.json"), JSON.stringify({ version: newVersion }));
  return checkContract({
    spec: join(dir, "asyncapi.yaml"),
    releasedDir: join(dir, "released"),
    messages: join(dir, "cases.jsonl"),
    packageJson: join(dir, "package.json"),
    consumersDir: join(dir, "consumers"),
  });
}

const same = (s: string) => s;
const nullablePrice = (s: string) =>
  s.replace(
    /( {8}price:\n {10}type: )string(\n {10}maxLength: 64\n {10}pattern: '\^\(-0)/,
    '$1[string, "null"]$2',
  );
const longerStrategy = (s: string) =>
  s.replace(
    "maxLength: 256\n          description: The strategy that generated the signals.",
    "maxLength: 300\n          description: The strategy that generated the signals.",
  );
const acceptNullablePrice = (m: string) =>
  `${m}      - field: /price\n        rule: nullable\n        why: The console keeps the last price when a quote has none.\n`;
const acceptNothing = (m: string) => m.replace(/\n {4}# Recorded[\s\S]*$/, "\n");

let accepted: ReturnType<typeof project> | undefined;

describe("contract:check with declared consumers", () => {
  it.each([
    [
      "unchanged, the console's differences accepted: passes, and lists them",
      same,
      version,
      same,
      true,
      /accepted {2}web-console {2}price\.updated\.\{symbol\} \/symbol pattern/,
    ],
    [
      "price made nullable (major bump), the console reads it: fails, NEW",
      nullablePrice,
      major,
      same,
      false,
      /web-console newly reads a field the contract does not guarantee \(price\.updated\.\{symbol\} \/price nullable\), and its manifest does not accept it/,
    ],
    [
      "the same, once the console's manifest accepts it: passes, listed as accepted",
      nullablePrice,
      major,
      acceptNullablePrice,
      true,
      /accepted {2}web-console {2}price\.updated\.\{symbol\} \/price nullable/,
    ],
    [
      "a manifest that accepts nothing: the known differences fail, not marked new",
      same,
      version,
      acceptNothing,
      false,
      /contract check failed: web-console rejects messages the contract allows \(price\.updated\.\{symbol\} \/price not\)/,
    ],
    [
      "a breaking change to signals.generated (major bump) breaks no declared consumer",
      longerStrategy,
      major,
      same,
      true,
      /consumers: no declared consumer/,
    ],
  ])("%s", (_name, editSpec, newVersion, editConsole, ok, line) => {
    const result = project(editSpec, newVersion, editConsole);
    if (editConsole === acceptNullablePrice) accepted = result; // the next test reads it too
    expect(result.ok, result.lines.join("\n")).toBe(ok);
    expect(result.lines.join("\n")).toMatch(line);
  });

  it("a breaking change on the console's channel names it", () => {
    const result = accepted ?? project(nullablePrice, major, acceptNullablePrice);
    expect(result.lines.join("\n")).toMatch(
      /nullability-added {2}price\.updated\.\{symbol\} \/price\n(.*\n){3} {2}consumers: web-console/,
    );
  });

  it("a malformed manifest fails the check with file:line", () => {
    expect(() => project(same, version, (m) => m.replace("using: SUBSCRIBE", "using: [SUBSCRIBE]"))).toThrow(
      /web-console\.yaml:\d+:\d+: /,
    );
  });
});
