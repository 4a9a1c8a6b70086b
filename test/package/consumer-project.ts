// The consumers of the packed-tarball tests, as a service writes them (ESM and CommonJS, JavaScript and
// strict TypeScript), how one is installed against one end of ioredis's range, and how a failure names the
// versions it was built with.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs a command; a failure carries its output and, first, what it was run against. */
export async function sh(
  command: string,
  args: readonly string[],
  cwd: string,
  options: { input?: string; env?: Record<string, string>; context?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  const child = run(command, [...args], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
  });
  if (options.input !== undefined) child.child.stdin?.end(options.input);
  try {
    return await child;
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string; code?: number };
    const context = options.context === undefined ? "" : `${options.context}: `;
    throw new Error(
      `${context}${command} ${args.join(" ")} failed (exit ${failure.code}) in ${cwd}:\n${failure.stdout ?? ""}\n${failure.stderr ?? ""}`,
    );
  }
}

/** The runtime dependencies whose installed versions a failure names. */
const NAMED_DEPENDENCIES = ["ioredis", "ajv", "ajv-formats", "secure-json-parse", "@types/redis-errors"];

/** "ioredis@6.1.0, ajv@8.20.0, …": the versions installed in a consumer, as a failure states them. */
export function installedVersions(consumer: string, extra: Record<string, string> = {}): string {
  const versions = NAMED_DEPENDENCIES.map((name) => {
    const manifest = join(consumer, "node_modules", name, "package.json");
    const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
    return `${name}@${version}`;
  });
  return [...versions, ...Object.entries(extra).map(([name, version]) => `${name}@${version}`)].join(", ");
}

// What a service writes: the root and /testing imports, the JSON Schemas, the spec and the docs
// by their package paths, and a type error that must stay one.
export const consumerSource = `import { createRequire } from "node:module";
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
import {
  assertManifestHolds,
  assertValidEvent,
  exampleEvents,
  makeEvent,
  manifestCases,
} from "@trading-platform/events/testing";

const require = createRequire(import.meta.url);
// A consumer's own test: its manifest, shipped in the package, against the package's cases.
const manifest = require.resolve("@trading-platform/events/contracts/consumers/web-console.yaml");
assertManifestHolds(manifest);
const consoleCases = manifestCases(manifest).map((c) => c.name);
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
  consoleCases,
}));
`;

// A CommonJS service (Node >= 20.19 loads this ESM package with require()): plain JavaScript.
export const requireSource = `"use strict";
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
export const cjsTypeScriptSource = `import { checkPayload, contractVersion, type PositionEvent } from "@trading-platform/events";
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

/** The compiler options of a strict service: strict, NodeNext, no skipLibCheck, @types/node. */
export const strictServiceTsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    types: ["node"],
    outDir: "out",
  },
  files: ["consumer.ts", "cjs-consumer.cts", "service.ts"],
};

/**
 * A service that publishes through the package and reads back through its subscriber, twice: on a client of
 * its own ioredis (the peer the package shares: the fast path) and on a client of another copy of ioredis of
 * another version (`ioredis-own-copy`: the package turns the fast path down, says so once, and stays correct).
 */
export const serviceSource = `import { createPublisher, createSubscriber, type PublisherStats } from "@trading-platform/events";
import { makeEvent } from "@trading-platform/events/testing";
import { Redis } from "ioredis";
import { Redis as RedisOfAnotherCopy } from "ioredis-own-copy";

const url = process.env.REDIS_URL;
if (url === undefined) throw new Error("REDIS_URL is not set");
const COUNT = 200;

async function roundTrip(connection: Redis): Promise<{ sendPath: PublisherStats["sendPath"]; inOrder: boolean; warnings: string[] }> {
  const received: number[] = [];
  const subscriber = createSubscriber({ connection: url as string });
  await subscriber.handle("signals.generated", (event) => {
    received.push(event.num_signals);
  });
  const warnings: string[] = [];
  const publisher = createPublisher({ connection, logger: { warn: (message) => warnings.push(message) } });
  await Promise.all(
    Array.from({ length: COUNT }, (_, n) =>
      publisher.publish("signals.generated", makeEvent("signals.generated", { num_signals: n + 1 })),
    ),
  );
  const deadline = Date.now() + 20_000;
  while (received.length < COUNT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const sendPath = publisher.stats().sendPath;
  await publisher.close();
  await subscriber.close();
  return { sendPath, inOrder: received.join() === Array.from({ length: COUNT }, (_, n) => n + 1).join(), warnings };
}

const own = new Redis(url);
const another = new RedisOfAnotherCopy(url);
const ownPath = await roundTrip(own);
const anotherPath = await roundTrip(another as unknown as Redis);
own.disconnect();
another.disconnect();
console.log(JSON.stringify({ own: ownPath, anotherCopy: anotherPath }));
`;

/** One consumer project: ioredis at `ioredis` (a version or a range), another copy of ioredis at `otherCopy`. */
export interface ConsumerVersions {
  readonly ioredis: string;
  readonly otherCopy: string;
  readonly typesNode: string;
}

/** Installs the packed package with the versions asked for, and writes the consumers' sources and tsconfig. */
export async function installConsumer(
  dir: string,
  tarball: string,
  versions: ConsumerVersions,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  writeFileSync(join(dir, "consumer.ts"), consumerSource);
  writeFileSync(join(dir, "require-consumer.cjs"), requireSource);
  writeFileSync(join(dir, "cjs-consumer.cts"), cjsTypeScriptSource);
  writeFileSync(join(dir, "service.ts"), serviceSource);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(strictServiceTsconfig));
  // No --prefer-offline: cached metadata could hide the newest versions the ranges allow.
  await sh(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      tarball,
      `ioredis@${versions.ioredis}`,
      `ioredis-own-copy@npm:ioredis@${versions.otherCopy}`,
      `@types/node@${versions.typesNode}`,
    ],
    dir,
    { context: `installing the package with ioredis@${versions.ioredis}` },
  );
}
