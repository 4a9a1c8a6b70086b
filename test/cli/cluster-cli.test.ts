// `trading-events tail` and `publish` on a real Redis Cluster (one for the file): --cluster seeds
// (repeated or comma-separated) in classic and --sharded mode, and the usage errors around them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisClusterHandle, startRedisCluster } from "../../scripts/support/redis-cluster.js";
import { findFreePort } from "../../scripts/support/redis-server.js";
import { waitFor } from "../subscriber/wait-for.js";
import { runInProcess, startCli } from "../support/run-cli.js";

let cluster: RedisClusterHandle;
let seeds: string[];
beforeAll(async () => {
  cluster = await startRedisCluster();
  seeds = cluster.startupNodes.map(({ host, port }) => `redis://${host}:${port}`);
});
afterAll(() => cluster?.stop());

/** A long-running `tail`, its output readable while it runs. */
function startTail(args: string[]) {
  const run = startCli(["tail", "--json", ...args]);
  return {
    run,
    exited: run.exited,
    subscribed: () =>
      waitFor(() => run.stderr.text.includes("tail: subscribed to"), "tail to subscribe", 30_000),
    printed: (address: string) => run.stdout.text.includes(`{"channel":"${address}"`),
  };
}

/** Publishes the channel's example until tail prints it (in classic mode the bus forwards it a little later). */
async function publishUntilPrinted(tail: ReturnType<typeof startTail>, address: string, flags: string[]) {
  await waitFor(async () => {
    const published = await runInProcess(["publish", address, "--example", ...flags]);
    expect(published.stderr).toBe("");
    expect(published.code).toBe(0);
    return tail.printed(address);
  }, `tail to print ${address}`);
}

describe("tail and publish with --cluster", () => {
  it("classic: a pattern and an address, seeds given by repeating --cluster", async () => {
    const flags = seeds.flatMap((seed) => ["--cluster", seed]);
    const tail = startTail(["price.updated.*", "signals.generated", "--count", "2", ...flags]);
    await tail.subscribed();
    await publishUntilPrinted(tail, "price.updated.AAPL", flags);
    await publishUntilPrinted(tail, "signals.generated", flags);
    expect(await tail.exited).toBe(0);
  });

  it("--sharded: each address on its shard; publish prints the shard's subscriber count", async () => {
    const flags = ["--cluster", seeds.join(","), "--sharded"];
    const tail = startTail([
      "price.updated.AAPL",
      "price.updated.MSFT",
      "orders.executed",
      "--count",
      "3",
      ...flags,
    ]);
    await tail.subscribed();
    for (const address of ["price.updated.AAPL", "price.updated.MSFT", "orders.executed"]) {
      const published = await runInProcess(["publish", address, "--example", ...flags]);
      expect(published).toMatchObject({ code: 0, stdout: "1\n", stderr: "" });
    }
    expect(await tail.exited).toBe(0);
    expect(tail.run.stdout.text.trim().split("\n")).toHaveLength(3);
  });

  it.each([
    [
      "a pattern with --sharded",
      ["tail", "price.updated.*", "--sharded", "--cluster", "redis://127.0.0.1:7000"],
      /no sharded pattern subscription.*symbols/,
    ],
    [
      "--redis with --cluster",
      [
        "publish",
        "orders.executed",
        "--example",
        "--redis",
        "redis://127.0.0.1:1",
        "--cluster",
        "redis://127.0.0.1:2",
      ],
      /either --redis or --cluster/,
    ],
    [
      "a database in a seed URL",
      ["tail", "orders.executed", "--cluster", "redis://127.0.0.1:7000/2"],
      /database 0/,
    ],
  ])("refuses %s as a usage error (exit 2)", async (_reason, args, message) => {
    const run = await runInProcess(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it.each([
    ["publish", "orders.executed", "--example"],
    ["tail", "orders.executed"],
  ])("%s exits 3 when no seed node answers", async (...command) => {
    const closed = `redis://127.0.0.1:${await findFreePort()}`;
    const run = await runInProcess([...command, "--cluster", closed, "--connect-timeout", "5"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/);
  });
});
