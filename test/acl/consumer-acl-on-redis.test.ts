// `trading-events acl file --consumers <dir>` on a real redis-server: each declared consumer's
// subscriber user may SUBSCRIBE to exactly what its manifest declares, and nothing more.
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { runInProcess } from "../support/run-cli.js";

const root = resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "consumer-acl-"));
const manifests = join(scratch, "consumers");
const passwords = join(scratch, "passwords");
let server: RedisServerHandle;
const cleanups = cleanupAfterEach();

beforeAll(async () => {
  mkdirSync(manifests);
  cpSync(join(root, "contracts/consumers/web-console.yaml"), join(manifests, "web-console.yaml"));
  cpSync(join(root, "test/consumers/manifests/risk-monitor.yaml"), join(manifests, "risk-monitor.yaml"));
  mkdirSync(passwords);
  const users = await runInProcess(["acl", "users", "--consumers", manifests]);
  for (const user of users.stdout.trim().split("\n"))
    writeFileSync(join(passwords, user), `${user}-${randomBytes(6).toString("hex")}\n`);
  const file = await runInProcess(["acl", "file", "--password-dir", passwords, "--consumers", manifests]);
  expect(file.code).toBe(0);
  writeFileSync(join(scratch, "users.acl"), file.stdout);
  server = await startRedisServer({ args: ["--aclfile", join(scratch, "users.acl")] });
});
afterAll(async () => {
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function clientOf(user: string): Promise<Redis> {
  const password = readFileSync(join(passwords, user), "utf8").trim();
  const client = new Redis({
    host: "127.0.0.1",
    port: server.port,
    username: user,
    password,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  cleanups.push(() => client.disconnect());
  await client.connect();
  return client;
}

type Attempt = "SUBSCRIBE" | "PSUBSCRIBE" | "PUBLISH";
const cases: [string, string, Attempt, string, "granted" | "NOPERM"][] = [
  [
    "web-console: any symbol, one address at a time",
    "web-console-subscriber",
    "SUBSCRIBE",
    "price.updated.AAPL",
    "granted",
  ],
  [
    "web-console: a symbol it rejects is still a price channel",
    "web-console-subscriber",
    "SUBSCRIBE",
    "price.updated.BTC/USD",
    "granted",
  ],
  [
    "web-console: no pattern, its manifest says SUBSCRIBE",
    "web-console-subscriber",
    "PSUBSCRIBE",
    "price.updated.*",
    "NOPERM",
  ],
  [
    "web-console: a channel it does not declare",
    "web-console-subscriber",
    "SUBSCRIBE",
    "signals.generated",
    "NOPERM",
  ],
  [
    "web-console: a subscriber never publishes",
    "web-console-subscriber",
    "PUBLISH",
    "price.updated.AAPL",
    "NOPERM",
  ],
  [
    "risk-monitor: a listed address",
    "risk-monitor-subscriber",
    "SUBSCRIBE",
    "price.updated.BRK.B",
    "granted",
  ],
  [
    "risk-monitor: an address it does not list",
    "risk-monitor-subscriber",
    "SUBSCRIBE",
    "price.updated.MSFT",
    "NOPERM",
  ],
  [
    "risk-monitor: a declared channel without parameters",
    "risk-monitor-subscriber",
    "SUBSCRIBE",
    "positions.updated",
    "granted",
  ],
  [
    "risk-monitor: no pattern, not even over its own addresses",
    "risk-monitor-subscriber",
    "PSUBSCRIBE",
    "price.updated.*",
    "NOPERM",
  ],
];

describe("consumer users from manifests", () => {
  it.each(cases)("%s", async (_name, user, attempt, channel, expected) => {
    const client = await clientOf(user);
    const run =
      attempt === "SUBSCRIBE"
        ? client.subscribe(channel)
        : attempt === "PSUBSCRIBE"
          ? client.psubscribe(channel)
          : client.publish(channel, "{}");
    if (expected === "granted") await expect(run).resolves.toBe(1);
    else await expect(run).rejects.toThrow(/^NOPERM/);
  });
});
