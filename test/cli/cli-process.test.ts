// What only a real process shows: exit codes through main.ts, ctrl-C as a signal, and a pipe whose
// reader goes away (`| head -n1`). Few cases: each starts node with tsx (about 1.5 s).
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";
import { waitFor } from "../subscriber/wait-for.js";
import { pythonWireCases } from "../support/python-wire.js";
import { runTradingEvents, spawnTradingEvents } from "../support/run-cli.js";

const main = resolve(import.meta.dirname, "../../src/cli/main.ts");
const signalWire = pythonWireCases.find((c) => c.id === "signal-basic")?.wire ?? "";
let server: RedisServerHandle;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});

/** Publishes until `done` settles: the observable end of a reader, whenever it comes. */
async function publishUntil(done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  while (!finished) {
    await redis.publish("signals.generated", signalWire);
    await Promise.race([done, new Promise((r) => setTimeout(r, 50))]);
  }
}

// One case at a time: on a shared 2-core machine, concurrent node starts only compete for the CPU.
describe("trading-events as a process", () => {
  it("--version prints the versions and exits 0", async () => {
    const run = await runTradingEvents(["--version"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(
      /^@trading-platform\/events \d+\.\d+\.\d+\S* \(contract \d+\.\d+\.\d+\S*\)\n$/,
    );
  });

  it("a misspelled channel exits 2 with 'did you mean'", async () => {
    const run = await runTradingEvents(["validate", "signal.generated"], { stdin: signalWire });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/did you mean signals\.generated\?/);
  });

  it("ctrl-C (SIGINT) ends tail with exit 130", async () => {
    const child = spawnTradingEvents(["tail", "signals.generated", "--redis", server.url]);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    await waitFor(() => stderr.includes("tail: subscribed to"), "tail to subscribe", 30_000);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toBe("tail: subscribed to signals.generated\n");
  });

  it("`tail --json | head -n1` prints one event and ends quietly: no EPIPE crash", async () => {
    const command = `set -o pipefail; "${process.execPath}" --import tsx "${main}" tail signals.generated --json --redis ${server.url} | head -n1`;
    const child = spawn("bash", ["-c", command], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    await waitFor(() => stderr.includes("tail: subscribed to"), "tail to subscribe", 30_000);
    await publishUntil(exited);
    // pipefail: the pipeline's status is tail's own, and it is 0.
    expect(await exited).toBe(0);
    expect(stdout).toBe(`{"channel":"signals.generated","event":${signalWire}}\n`);
    expect(stderr).toBe("tail: subscribed to signals.generated\n");
  });

  it("`consumers | true`: a reader gone before the first line is no crash, whenever Node reports the EPIPE", async () => {
    // `true` exits at once, so every write meets a closed pipe; Node reports that after the command returned.
    const command = `set -o pipefail; "${process.execPath}" --import tsx "${main}" consumers | true`;
    const child = spawn("bash", ["-c", command], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const exited = await new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    expect({ exited, stderr }).toEqual({ exited: 0, stderr: "" });
  });
});
