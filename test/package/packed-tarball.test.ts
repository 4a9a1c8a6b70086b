// The package as a service gets it: `npm pack`, installed into a fresh project outside this
// repository, imported from ESM and required from CommonJS (plain .cjs, and TypeScript under
// NodeNext emitting CommonJS), type-checked and run; publint and attw on the tarball.
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "../../generated/index.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const rootPackage = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string;
  version: string;
};
const bin = (name: string) => join(root, "node_modules/.bin", name);
/** Packing builds dist/ (prepack) and installing resolves dependencies: minutes on a loaded machine. */
const slow = 240_000;

let scratch: string;
let tarball: string;
let consumer: string;

async function sh(command: string, args: string[], cwd: string, input?: string) {
  const child = run(command, args, {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    return await child;
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string; code?: number };
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${failure.code}) in ${cwd}:\n${failure.stdout ?? ""}\n${failure.stderr ?? ""}`,
    );
  }
}

// What a service writes: the root and /testing imports, the JSON Schemas, the spec and the docs
// by their package paths, and a type error that must stay one.
const consumerSource = `import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import {
  channelNames,
  checkPayload,
  contractVersion,
  ContractValidationError,
  createPublisher,
  createSubscriber,
  type PositionEvent,
  type Publisher,
  type Subscriber,
} from "@trading-platform/events";
import { assertValidEvent, exampleEvents, makeEvent } from "@trading-platform/events/testing";

const require = createRequire(import.meta.url);
const pkg = require("@trading-platform/events/package.json") as { version: string };
const schema = require("@trading-platform/events/schemas/PositionEvent.schema.json") as { title: string };
const spec = readFileSync(require.resolve("@trading-platform/events/asyncapi.yaml"), "utf8");
const docs = require.resolve("@trading-platform/events/docs/index.html");

const sold: PositionEvent = makeEvent("positions.updated", { action: "sell", qty_change: -50, new_qty: 50 });
assertValidEvent("positions.updated", sold);
// @ts-expect-error "short" is not an action of the contract
const refusedAtCompileTime = { ...sold, action: "short" } satisfies PositionEvent;
const check = checkPayload("positions.updated", refusedAtCompileTime, "strict");
let refused: string[] = [];
try {
  makeEvent("price.updated.MSFT", { symbol: "AAPL" });
} catch (error) {
  if (error instanceof ContractValidationError) refused = error.reasons.map((r) => r.pointer);
}

// Typed factories, not called: connecting is the demo's and the fault tests' business.
const factories: [(options: Parameters<typeof createPublisher>[0]) => Publisher, () => Subscriber] = [
  createPublisher,
  createSubscriber,
];

console.log(JSON.stringify({
  factories: factories.map((f) => typeof f),
  channels: channelNames,
  contractVersion,
  packageVersion: pkg.version,
  specHasVersion: spec.includes(\`version: \${pkg.version}\`),
  schemaTitle: schema.title,
  docsExist: existsSync(docs),
  sold: sold.action,
  examples: exampleEvents["orders.executed"].length,
  checkOk: check.ok,
  refused,
}));
`;

// A CommonJS service (Node >= 20.19 loads this ESM package with require()): plain JavaScript.
const requireSource = `"use strict";
const { channelNames, checkPayload, contractVersion, createPublisher } = require("@trading-platform/events");
const { makeEvent } = require("@trading-platform/events/testing");
const schema = require("@trading-platform/events/schemas/PositionEvent.schema.json");
const sold = makeEvent("positions.updated", { action: "sell", qty_change: -50, new_qty: 50 });
console.log(JSON.stringify({
  channels: channelNames,
  contractVersion,
  factory: typeof createPublisher,
  schemaTitle: schema.title,
  checkOk: checkPayload("positions.updated", sold, "strict").ok,
}));
`;

// A CommonJS TypeScript module (.cts; the same as a .ts file in a "type": "commonjs" project): under
// module NodeNext, TypeScript >= 5.8 compiles these imports to require(), with the package's types.
const cjsTypeScriptSource = `import { checkPayload, contractVersion, type PositionEvent } from "@trading-platform/events";
import { makeEvent } from "@trading-platform/events/testing";

const sold: PositionEvent = makeEvent("positions.updated", { action: "sell", qty_change: -50, new_qty: 50 });
// @ts-expect-error "short" is not an action of the contract
const refusedAtCompileTime = { ...sold, action: "short" } satisfies PositionEvent;
console.log(JSON.stringify({
  contractVersion,
  sold: sold.action,
  checkOk: checkPayload("positions.updated", refusedAtCompileTime, "strict").ok,
}));
`;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "events-pack-test-"));
  const packDir = join(scratch, "pack");
  mkdirSync(packDir);
  await sh("npm", ["pack", "--pack-destination", packDir, "--silent"], root);
  const packed = readdirSync(packDir).filter((f) => f.endsWith(".tgz"));
  expect(packed).toHaveLength(1);
  tarball = join(packDir, packed[0] as string);

  // Outside the repository, so that nothing resolves from this project's node_modules.
  consumer = join(scratch, "consumer");
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2),
  );
  const typesNode = JSON.parse(readFileSync(join(root, "node_modules/@types/node/package.json"), "utf8")) as {
    version: string;
  };
  await sh(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, `@types/node@${typesNode.version}`],
    consumer,
  );
  writeFileSync(join(consumer, "consumer.ts"), consumerSource);
  writeFileSync(join(consumer, "require-consumer.cjs"), requireSource);
  writeFileSync(join(consumer, "cjs-consumer.cts"), cjsTypeScriptSource);
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        exactOptionalPropertyTypes: true,
        types: ["node"],
        outDir: "out",
      },
      files: ["consumer.ts", "cjs-consumer.cts"],
    }),
  );
}, slow);

/** One tsc run for both consumers (it takes tens of seconds on a loaded machine); every test that needs it awaits it. */
let compiling: Promise<unknown> | undefined;
function compileConsumers(): Promise<unknown> {
  compiling ??= sh("node", [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], consumer);
  return compiling;
}

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

// Timeouts: a tsc run or an npm install takes seconds here but minutes on a machine loaded by other runs.
describe("the packed tarball", { timeout: slow }, () => {
  it("holds the compiled runtime, generated/, the spec, the schemas, the docs and the changelog", async () => {
    const { stdout } = await sh("tar", ["-tzf", tarball], scratch);
    const files = stdout.split("\n").filter(Boolean);
    for (const expected of [
      "package/package.json",
      "package/CHANGELOG.md",
      "package/asyncapi.yaml",
      "package/dist/src/index.js",
      "package/dist/src/index.d.ts",
      "package/dist/src/testing/index.js",
      "package/dist/src/testing/index.d.ts",
      "package/dist/src/cli/main.js",
      "package/dist/generated/validators.js",
      "package/generated/channels.ts",
      "package/generated/docs/index.html",
      "package/generated/schemas/PositionEvent.schema.json",
    ]) {
      expect(files).toContain(expected);
    }
    expect(files.filter((f) => /^package\/(src|test|scripts|bench|node_modules)\//.test(f))).toEqual([]);
    // npm adds README.md by itself; it must not be lost from the package once the repository has one.
    if (existsSync(join(root, "README.md"))) expect(files).toContain("package/README.md");
  });

  it("type-checks the ESM and CommonJS consumers under NodeNext and runs the ESM one with node", async () => {
    await compileConsumers();
    const { stdout } = await sh("node", ["out/consumer.js"], consumer);
    expect(JSON.parse(stdout)).toEqual({
      factories: ["function", "function"],
      channels: ["orders.executed", "positions.updated", "price.updated.{symbol}", "signals.generated"],
      contractVersion: rootPackage.version,
      packageVersion: rootPackage.version,
      specHasVersion: true,
      schemaTitle: "PositionEvent",
      docsExist: true,
      sold: "sell",
      examples: 2,
      checkOk: false,
      refused: ["/symbol"],
    });
  });

  it("is required from a CommonJS file (require of ESM, Node >= 20.19), silently", async () => {
    const { stdout, stderr } = await sh("node", ["require-consumer.cjs"], consumer);
    expect(JSON.parse(stdout)).toEqual({
      channels: ["orders.executed", "positions.updated", "price.updated.{symbol}", "signals.generated"],
      contractVersion: rootPackage.version,
      factory: "function",
      schemaTitle: "PositionEvent",
      checkOk: true,
    });
    // No ExperimentalWarning, no ERR_REQUIRE_ESM / ERR_REQUIRE_ASYNC_MODULE (a top-level await).
    expect(stderr).toBe("");
  });

  it("type-checks a CommonJS TypeScript consumer (.cts) under NodeNext, compiles it to require() and runs it", async () => {
    await compileConsumers();
    const compiled = readFileSync(join(consumer, "out/cjs-consumer.cjs"), "utf8");
    expect(compiled).toContain('require("@trading-platform/events")');
    expect(compiled).not.toMatch(/\bimport\(/);
    const { stdout, stderr } = await sh("node", ["out/cjs-consumer.cjs"], consumer);
    expect(JSON.parse(stdout)).toEqual({
      contractVersion: rootPackage.version,
      sold: "sell",
      checkOk: false,
    });
    expect(stderr).toBe("");
  });

  it("declares the Node versions it runs on: engines >= 20.19, the first Node 20 whose require() loads ESM", () => {
    const packed = JSON.parse(
      readFileSync(join(consumer, "node_modules/@trading-platform/events/package.json"), "utf8"),
    ) as {
      engines: { node: string };
    };
    expect(packed.engines).toEqual({ node: ">=20.19" });
  });

  it("installs the trading-events executable", async () => {
    const example = JSON.stringify(channels["positions.updated"].examples[0]?.payload);
    const { stdout, stderr } = await sh(
      join(consumer, "node_modules/.bin/trading-events"),
      ["validate", "positions.updated"],
      consumer,
      example,
    );
    expect({ stdout: stdout.trim(), stderr }).toEqual({ stdout: "valid", stderr: "" });
  });

  it("passes publint", async () => {
    const { stdout } = await sh(bin("publint"), ["run", "--strict", tarball], scratch);
    expect(stdout).toContain("All good!");
  });

  it("passes arethetypeswrong (ESM-only profile)", async () => {
    // asyncapi.yaml and docs/index.html are files to read, not modules: attw cannot resolve them.
    // attw (0.18) models CommonJS as Node 16 does, where only import() loads ESM: the CommonJS
    // tests above prove require() under Node >= 20.19 and TypeScript's NodeNext.
    await sh(
      bin("attw"),
      [
        tarball,
        "--profile",
        "esm-only",
        "--exclude-entrypoints",
        "./asyncapi.yaml",
        "./docs/index.html",
        "--include-entrypoints",
        "./schemas/PositionEvent.schema.json",
        "--format",
        "ascii",
      ],
      scratch,
    );
  });

  it("is versioned with the contract and has a changelog entry for the version", () => {
    const changelog = readFileSync(join(root, "CHANGELOG.md"), "utf8");
    expect(changelog).toMatch(new RegExp(`^## ${rootPackage.version.replace(/\./g, "\\.")}$`, "m"));
    const spec = readFileSync(join(root, "asyncapi.yaml"), "utf8");
    expect(spec).toMatch(new RegExp(`^  version: ${rootPackage.version.replace(/\./g, "\\.")}$`, "m"));
  });
});
