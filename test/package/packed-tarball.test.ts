// The package as a service gets it: `npm pack`, installed into a fresh project outside this
// repository, imported from ESM and required from CommonJS (plain .cjs, and TypeScript under
// NodeNext emitting CommonJS), type-checked and run; publint and attw on the tarball. Then across the
// dependency range: a strict service with ioredis at the lowest and the newest version the peer range allows,
// each type-checked with this project's TypeScript and the newest published one, and run against Redis.
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
import { minVersion } from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "../../generated/index.js";
import {
  type RedisServerHandle,
  startRedisServer,
  stopAllRedisServers,
} from "../../scripts/support/redis-server.js";
import { installConsumer, installedVersions, sh } from "./consumer-project.js";

const root = resolve(import.meta.dirname, "../..");
const rootPackage = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string;
  version: string;
  peerDependencies: { ioredis: string };
  dependencies: Record<string, string>;
};
const bin = (name: string) => join(root, "node_modules/.bin", name);
/** Packing builds dist/ (prepack) and installing resolves dependencies: minutes on a loaded machine. */
const slow = 240_000;

let scratch: string;
let tarball: string;
let consumer: string;

// Both ends of ioredis's peer range, each in a consumer project of its own that also holds a client of another
// copy of ioredis, at the other end, to pass to the package. The other runtime dependencies resolve to the
// newest their ranges allow. The "newest" project is also the one the package-shape tests below use.
const ioredisRange = rootPackage.peerDependencies.ioredis;
const ioredisLowest = minVersion(ioredisRange)?.version ?? "";
const consumers = [
  { name: "ioredis-newest", ioredis: ioredisRange, otherCopy: ioredisLowest },
  { name: "ioredis-lowest", ioredis: ioredisLowest, otherCopy: ioredisRange },
] as const;
const compilers = [
  { name: "project", tsc: () => join(root, "node_modules/typescript/bin/tsc") },
  { name: "newest", tsc: () => join(scratch, "typescript-newest/node_modules/typescript/bin/tsc") },
] as const;
const typescriptVersion: Record<string, string> = {};
let redis: RedisServerHandle;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "events-pack-test-"));
  const packDir = join(scratch, "pack");
  mkdirSync(packDir);
  await sh("npm", ["pack", "--pack-destination", packDir, "--silent"], root);
  const packed = readdirSync(packDir).filter((f) => f.endsWith(".tgz"));
  expect(packed).toHaveLength(1);
  tarball = join(packDir, packed[0] as string);

  // Outside the repository, so that nothing resolves from this project's node_modules.
  consumer = join(scratch, "ioredis-newest");
  const typesNode = JSON.parse(readFileSync(join(root, "node_modules/@types/node/package.json"), "utf8")) as {
    version: string;
  };
  const newestTypescript = join(scratch, "typescript-newest");
  mkdirSync(newestTypescript);
  writeFileSync(join(newestTypescript, "package.json"), JSON.stringify({ private: true }));
  await Promise.all([
    sh("npm", ["install", "--no-audit", "--no-fund", "typescript@latest"], newestTypescript),
    ...consumers.map(({ name, ioredis, otherCopy }) =>
      installConsumer(join(scratch, name), tarball, { ioredis, otherCopy, typesNode: typesNode.version }),
    ),
  ]);
  for (const compiler of compilers) {
    typescriptVersion[compiler.name] = (
      await sh("node", [compiler.tsc(), "--version"], scratch)
    ).stdout.trim();
  }
  redis = await startRedisServer();
}, slow);

/** What a failure names: the consumer's installed dependencies and the compiler. */
function versionsOf(consumerName: string, compiler: string): string {
  return `consumer with ${installedVersions(join(scratch, consumerName))}, ${typescriptVersion[compiler]}`;
}

/** One tsc run per consumer and compiler (tens of seconds on a loaded machine); every test that needs it awaits it. */
const compiled = new Map<string, Promise<unknown>>();
function compile(consumerName: string, compiler: (typeof compilers)[number]): Promise<unknown> {
  const key = `${consumerName}/${compiler.name}`;
  let compiling = compiled.get(key);
  if (compiling === undefined) {
    const args = [compiler.tsc(), "-p", "tsconfig.json", "--outDir", `out-${compiler.name}`];
    compiling = sh("node", args, join(scratch, consumerName), {
      context: versionsOf(consumerName, compiler.name),
    });
    compiled.set(key, compiling);
  }
  return compiling;
}
const compileConsumers = () => compile("ioredis-newest", compilers[0]);

afterAll(async () => {
  await stopAllRedisServers();
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
      "package/contracts/consumers/web-console.yaml",
      "package/contracts/consumer-manifest.schema.json",
    ]) {
      expect(files).toContain(expected);
    }
    expect(files.filter((f) => /^package\/(src|test|scripts|bench|node_modules)\//.test(f))).toEqual([]);
    // npm adds README.md by itself; it must not be lost from the package once the repository has one.
    if (existsSync(join(root, "README.md"))) expect(files).toContain("package/README.md");
  });

  it("type-checks the ESM and CommonJS consumers under NodeNext and runs the ESM one with node", async () => {
    await compileConsumers();
    const { stdout } = await sh("node", ["out-project/consumer.js"], consumer);
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
      consoleCases: [
        "example #1",
        "example #2",
        "example #3",
        "rejected /price not",
        "rejected /symbol maxLength",
        "rejected /symbol pattern",
      ],
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
    const compiled = readFileSync(join(consumer, "out-project/cjs-consumer.cjs"), "utf8");
    expect(compiled).toContain('require("@trading-platform/events")');
    expect(compiled).not.toMatch(/\bimport\(/);
    const { stdout, stderr } = await sh("node", ["out-project/cjs-consumer.cjs"], consumer);
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
      { input: example },
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

describe("across the dependency range: a strict TypeScript service", { timeout: slow }, () => {
  for (const consumerProject of consumers) {
    for (const compiler of compilers) {
      it(`${consumerProject.name}, ${compiler.name} TypeScript: type-checks without skipLibCheck, and runs`, async () => {
        const dir = join(scratch, consumerProject.name);
        const versions = versionsOf(consumerProject.name, compiler.name);
        await compile(consumerProject.name, compiler);
        const { stdout } = await sh("node", [`out-${compiler.name}/service.js`], dir, {
          env: { REDIS_URL: redis.url },
          context: versions,
        });
        expect({ versions, ran: JSON.parse(stdout) }).toEqual({
          versions,
          ran: {
            own: { sendPath: { via: "fast" }, inOrder: true, warnings: [] },
            anotherCopy: {
              sendPath: {
                via: "public",
                why: "ioredis",
                reason: "the client comes from another copy of ioredis than this package's",
              },
              inOrder: true,
              warnings: ["publisher: sending through ioredis's public API; the fast path does not fit"],
            },
          },
        });
      });
    }
  }

  it("installs what the ranges say: ioredis at its lowest where asked; elsewhere ioredis, ajv and the JSON parser at their newest", async () => {
    const installed = (consumerName: string, name: string) =>
      (
        JSON.parse(
          readFileSync(join(scratch, consumerName, "node_modules", name, "package.json"), "utf8"),
        ) as {
          version: string;
        }
      ).version;
    const newestAllowed = async (name: string, range: string) => {
      const { stdout } = await sh("npm", ["view", `${name}@${range}`, "version", "--json"], scratch);
      return [JSON.parse(stdout) as string | string[]].flat().at(-1);
    };
    const ranges: Record<string, string> = { ioredis: ioredisRange, ...rootPackage.dependencies };
    const checked = ["ioredis", "ajv", "secure-json-parse"] as const;
    const newest = Object.fromEntries(
      await Promise.all(checked.map(async (name) => [name, await newestAllowed(name, ranges[name] ?? "")])),
    );
    expect({
      lowest: installed("ioredis-lowest", "ioredis"),
      newest: Object.fromEntries(checked.map((name) => [name, installed("ioredis-newest", name)])),
    }).toEqual({ lowest: ioredisLowest, newest });
  });
});
