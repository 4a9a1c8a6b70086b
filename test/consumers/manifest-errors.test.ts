// A malformed consumer manifest is an error that names the file, line and column of what is wrong.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ManifestError, parseManifest, readManifest, readManifests } from "../../src/consumers/index.js";

const valid = `consumer: desk
subscriptions:
  - channel: positions.updated
    using: SUBSCRIBE
    reads: [/symbol]
`;

const cases: [string, string, string, RegExp][] = [
  ["YAML that does not parse", "consumer: desk\nsubscriptions: [\n", "desk.yaml:3:1", /is not valid YAML/],
  [
    "a duplicate key",
    `${valid}consumer: other\n`,
    "desk.yaml:6:1",
    /is not valid YAML: Map keys must be unique/,
  ],
  ["the top level is not a mapping", "- desk\n", "desk.yaml:1:1", /the manifest: must be object/],
  ["no subscriptions", "consumer: desk\n", "desk.yaml:1:1", /"subscriptions" is missing/],
  ["an unknown top-level key", `${valid}owner: me\n`, "desk.yaml:6:1", /unknown key "owner"/],
  [
    "a consumer id that is not kebab-case",
    valid.replace("desk", "Desk"),
    "desk.yaml:1:11",
    /\/consumer: must match pattern/,
  ],
  [
    "the consumer is not the file's name",
    valid.replace("desk", "other"),
    "desk.yaml:1:11",
    /consumer "other" must equal the file's name "desk"/,
  ],
  [
    "using is neither SUBSCRIBE nor PSUBSCRIBE",
    valid.replace("SUBSCRIBE", "subscribe"),
    "desk.yaml:4:12",
    /using: must be one of "SUBSCRIBE", "PSUBSCRIBE"/,
  ],
  ["reads is missing", valid.replace("    reads: [/symbol]\n", ""), "desk.yaml:3:5", /"reads" is missing/],
  [
    "a read that is not a JSON pointer",
    valid.replace("/symbol", "symbol"),
    "desk.yaml:5:13",
    /reads\/0: must match pattern/,
  ],
  [
    "an unknown key in a subscription",
    valid.replace("    using:", "    mode: fast\n    using:"),
    "desk.yaml:4:5",
    /unknown key "mode"/,
  ],
  [
    "addresses with PSUBSCRIBE",
    valid.replace("SUBSCRIBE", "PSUBSCRIBE").concat("    addresses: [positions.updated]\n"),
    "desk.yaml:6:16",
    /only SUBSCRIBE takes addresses/,
  ],
  [
    "accepts that is not a JSON Schema",
    `${valid}    accepts: { type: strng }\n`,
    "desk.yaml:6:14",
    /accepts: is not a JSON Schema Ajv can compile/,
  ],
  [
    "an accepted difference without why",
    `${valid}    accepted: [{ field: /symbol, rule: pattern }]\n`,
    "desk.yaml:6:16",
    /accepted\/0: "why" is missing/,
  ],
];

describe("malformed manifests: file:line:column and what is wrong", () => {
  it.each(cases)("%s", (_name, text, where, message) => {
    const error = (() => {
      try {
        parseManifest(text, "desk.yaml");
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).message).toMatch(new RegExp(`^${where.replace(/\./g, "\\.")}: `));
    expect((error as ManifestError).message).toMatch(message);
  });

  it("a valid manifest reads, each subscription with its line", () => {
    const manifest = parseManifest(valid, "desk.yaml");
    expect(manifest).toMatchObject({
      consumer: "desk",
      subscriptions: [{ channel: "positions.updated", at: "desk.yaml:3", accepts: {} }],
    });
  });
});

describe("reading files and directories", () => {
  const dir = mkdtempSync(join(tmpdir(), "manifests-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a missing file names the file", () => {
    expect(() => readManifest(join(dir, "nobody.yaml"))).toThrow(/nobody\.yaml:1:1: cannot be read/);
  });
  it("a missing directory names the directory", () => {
    expect(() => readManifests(join(dir, "none"))).toThrow(
      /none:1:1: no such directory of consumer manifests/,
    );
  });
  it("a directory reads every .yaml file, sorted, and ignores other files", () => {
    writeFileSync(join(dir, "desk.yaml"), valid);
    writeFileSync(join(dir, "alpha.yaml"), valid.replace("desk", "alpha"));
    writeFileSync(join(dir, "notes.txt"), "not a manifest");
    expect(readManifests(dir).map((m) => m.consumer)).toEqual(["alpha", "desk"]);
  });
});
