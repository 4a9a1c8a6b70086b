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

/** A long-running `tail`, its output readable while it runs; `stop` ends it as ctrl-C would. */
function startTail(args: string[]) {
  const stop = new AbortController();
  const run = startCli(["tail", "--json", ...args], { signal: stop.signal });
  return {
    run,
    stop,
    exited: run.exited,
    subscribed: () =>
      waitFor(() => run.stderr.text.includes("tail: subscribed to"), "tail to subscribe", 30_000),
    printed: (address: string) => run.stdout.text.includes(`{"channel":"${address}"`),
  };
}

/** The live master whose PUBSUB NUMSUB counts a classic subscriber of the channel (each node counts its own). */
async function nodeSubscribedTo(channel: string): Promise<number> {
  const masters = (await cluster.nodes()).filter((node) => node.role === "master" && !node.failed);
  for (const master of masters) {
    const [, count] = (await cluster.connectTo(master.port).call("PUBSUB", "NUMSUB", channel)) as [
      string,
      number,
    ];
    if (count > 0) return master.port;
  }
  throw new Error(`no master has a subscriber of ${channel}`);
}

/**
 * Publishes the channel's example once and waits until tail prints it (in classic mode the cluster bus
 * forwards it from the slot's node). Once, not in a loop: with `--count`, a second copy printed before the
 * first was seen here would use up the count and end tail early.
 */
async function publishAndSeePrinted(tail: ReturnType<typeof startTail>, address: string, flags: string[]) {
  const published = await runInProcess(["publish", address, "--example", ...flags]);
  expect(published.stderr).toBe("");
  expect(published.code).toBe(0);
  await waitFor(() => tail.printed(address), `tail to print ${address}`, 30_000);
}

describe("tail and publish with --cluster", () => {
  it("classic: a pattern and an address, seeds given by repeating --cluster", async () => {
    const flags = seeds.flatMap((seed) => ["--cluster", seed]);
    const tail = startTail(["price.updated.*", "signals.generated", "--count", "2", ...flags]);
    await tail.subscribed();
    await publishAndSeePrinted(tail, "price.updated.AAPL", flags);
    await publishAndSeePrinted(tail, "signals.generated", flags);
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

  it("classic: the node tail listens on dies; tail says so with a gap line and goes on elsewhere", async () => {
    const flags = ["--cluster", seeds.join(",")];
    const tail = startTail(["signals.generated", ...flags]);
    await tail.subscribed();
    await publishAndSeePrinted(tail, "signals.generated", flags);
    const home = await nodeSubscribedTo("signals.generated");
    await cluster.killMaster(home);
    await waitFor(
      () => /^gap: reconnected; messages published between /m.test(tail.run.stderr.text),
      "a gap line",
    );
    const printedBefore = tail.run.stdout.text.length;
    await waitFor(async () => {
      await runInProcess(["publish", "signals.generated", "--example", ...flags]);
      return tail.run.stdout.text.length > printedBefore;
    }, "an event after the failover");
    expect(await nodeSubscribedTo("signals.generated")).not.toBe(home);
    tail.stop.abort();
    await tail.exited;
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
