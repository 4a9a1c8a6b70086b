// `trading-events tail` and `publish`, run in-process against a throwaway redis-server.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channels } from "../../generated/index.js";
import {
  findFreePort,
  type RedisServerHandle,
  startRedisServer,
} from "../../scripts/support/redis-server.js";
import { createSubscriber, type Subscriber } from "../../src/subscriber/index.js";
import { waitFor } from "../subscriber/wait-for.js";
import { pythonWireCases } from "../support/python-wire.js";
import { runInProcess, startCli } from "../support/run-cli.js";

const scratch = mkdtempSync(join(tmpdir(), "tail-publish-"));
let server: RedisServerHandle;
let redis: Redis;
let unreachable: string;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
  // A port nothing listens on: found free, never bound.
  unreachable = `redis://127.0.0.1:${await findFreePort()}`;
});
afterAll(async () => {
  await redis?.quit();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** A long-running `tail`, its output readable while it runs. */
function startTail(args: string[]) {
  const run = startCli(["tail", ...args], { env: { REDIS_URL: server.url } });
  return {
    output: {
      get stdout() {
        return run.stdout.text;
      },
      get stderr() {
        return run.stderr.text;
      },
    },
    exited: run.exited,
    subscribed: () =>
      waitFor(() => run.stderr.text.includes("tail: subscribed to"), "tail to subscribe", 30_000),
  };
}

const signalWire = pythonWireCases.find((c) => c.id === "signal-basic")?.wire ?? "";
const priceWire = pythonWireCases.find((c) => c.id === "price-dotted-symbol")?.wire ?? "";

describe("trading-events tail", () => {
  it("--json prints each valid event as one line on stdout; invalid messages only on stderr", async () => {
    const tail = startTail([
      "signals.generated",
      "price.updated.*",
      "--json",
      "--count",
      "2",
      "--timeout",
      "40",
    ]);
    await tail.subscribed();
    await redis.publish("signals.generated", '{"event_type": "signals.generated"}');
    await redis.publish("price.updated.A*B", priceWire);
    await redis.publish("signals.generated", signalWire);
    await redis.publish("price.updated.BRK.B", priceWire);
    expect(await tail.exited).toBe(0);
    const lines = tail.output.stdout.trim().split("\n");
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { channel: "signals.generated", event: JSON.parse(signalWire) },
      { channel: "price.updated.BRK.B", event: JSON.parse(priceWire) },
    ]);
    expect(tail.output.stderr).toMatch(/invalid message on signals\.generated .*\/timestamp: is required/);
    expect(tail.output.stderr).toMatch(/invalid message on price\.updated\.A\*B .*not an address/);
  });

  it("without --json prints the address and the event's bytes as published; REDIS_URL is the default server", async () => {
    const tail = startTail(["price.updated.AAPL", "--count", "1"]);
    await tail.subscribed();
    await redis.publish("price.updated.MSFT", priceWire.replaceAll("BRK.B", "MSFT"));
    await redis.publish("price.updated.AAPL", priceWire.replaceAll("BRK.B", "AAPL"));
    expect(await tail.exited).toBe(0);
    expect(tail.output.stdout).toBe(`price.updated.AAPL ${priceWire.replaceAll("BRK.B", "AAPL")}\n`);
  });

  it("--timeout exits 1 when --count events did not arrive", async () => {
    const run = await runInProcess([
      "tail",
      "orders.executed",
      "--count",
      "1",
      "--timeout",
      "1",
      "--redis",
      server.url,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/timed out after 1 s with 0 of 1 events/);
  });

  it.each([
    [
      "a misspelled address",
      ["tail", "prices.updated.AAPL"],
      2,
      /unknown channel "prices\.updated\.AAPL": did you mean price\.updated\.\{symbol\}\?/,
    ],
    ["a pattern the contract does not define", ["tail", "signals.*"], 2, /unknown channel "signals\.\*"/],
    [
      "a count that is not a positive integer",
      ["tail", "signals.generated", "--count", "0"],
      2,
      /--count must be/,
    ],
    ["no address", ["tail"], 2, /at least one/],
  ] as const)("%s is a usage error", async (_name, args, code, message) => {
    const run = await runInProcess([...args]);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
  });

  it("an unreachable Redis is a clear message and exit 3", async () => {
    const run = await runInProcess(["tail", "signals.generated", "--redis", unreachable]);
    expect(run).toMatchObject({ code: 3, stdout: "" });
    expect(run.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/);
  });

  it("--help describes the command", async () => {
    const run = await runInProcess(["tail", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: trading-events tail <address-or-pattern>\.\.\./);
    expect(run.stdout).toContain("price.updated.*");
  });
});

describe("trading-events publish", () => {
  let subscriber: Subscriber;
  const received: { address: string; event: unknown }[] = [];
  beforeAll(async () => {
    subscriber = createSubscriber({ connection: server.url, heartbeat: false, dedupWindow: false });
    for (const channel of ["signals.generated", "price.updated.{symbol}"] as const) {
      await subscriber.handle(channel, (event, { address }) => {
        received.push({ address, event });
      });
    }
  });
  afterAll(() => subscriber?.close());

  async function nextReceived(count: number): Promise<{ address: string; event: unknown }> {
    await waitFor(() => received.length === count, `message ${count}`);
    return received[count - 1] as { address: string; event: unknown };
  }

  it("publishes a valid message from stdin and prints the subscribers reached", async () => {
    const before = received.length;
    const run = await runInProcess(["publish", "signals.generated", "-", "--redis", server.url], {
      stdin: signalWire,
    });
    expect(run).toMatchObject({ code: 0, stdout: "1\n", stderr: "" });
    expect(await nextReceived(before + 1)).toEqual({
      address: "signals.generated",
      event: JSON.parse(signalWire),
    });
  });

  it("publishes from a file", async () => {
    const file = join(scratch, "price.json");
    writeFileSync(file, priceWire);
    const before = received.length;
    const run = await runInProcess(["publish", "price.updated.BRK.B", file, "--redis", server.url]);
    expect(run).toMatchObject({ code: 0, stdout: "1\n" });
    expect(await nextReceived(before + 1)).toEqual({
      address: "price.updated.BRK.B",
      event: JSON.parse(priceWire),
    });
  });

  it("--example publishes the channel's first example, with the address's symbol", async () => {
    const before = received.length;
    const run = await runInProcess(["publish", "price.updated.MSFT", "--example", "--redis", server.url]);
    expect(run).toMatchObject({ code: 0, stdout: "1\n" });
    const example = channels["price.updated.{symbol}"].examples[0]?.payload;
    expect(await nextReceived(before + 1)).toEqual({
      address: "price.updated.MSFT",
      event: { ...example, symbol: "MSFT" },
    });
  });

  it("prints 0 when nobody listens", async () => {
    const run = await runInProcess(["publish", "orders.executed", "--example", "--redis", server.url]);
    expect(run).toMatchObject({ code: 0, stdout: "0\n" });
  });

  it.each([
    [
      "an unknown field (strict rules)",
      "signals.generated",
      signalWire.replace("{", '{"extra":1,'),
      /\/extra: is not a field/,
    ],
    [
      "a symbol that disagrees with the address",
      "price.updated.AAPL",
      priceWire,
      /\/symbol: must equal the channel's symbol "AAPL"/,
    ],
    ["malformed JSON", "signals.generated", "{", /not valid JSON/],
  ])("%s: exit 1, reasons on stderr, nothing published", async (_name, address, stdin, reason) => {
    const before = received.length;
    const run = await runInProcess(["publish", address, "--redis", server.url], { stdin });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(reason);
    // A valid message published afterwards is the next one to arrive: the invalid one never went out.
    await redis.publish("signals.generated", signalWire.replace('"num_signals":3', '"num_signals":4'));
    expect(((await nextReceived(before + 1)).event as { num_signals: number }).num_signals).toBe(4);
  });

  it.each([
    [
      "a channel name instead of an address",
      ["publish", "price.updated.{symbol}", "--example"],
      /such as price\.updated\.AAPL/,
    ],
    ["a file and --example", ["publish", "signals.generated", "x.json", "--example"], /not both/],
    [
      "a misspelled address",
      ["publish", "signal.generated", "--example"],
      /unknown channel "signal\.generated": did you mean signals\.generated\?/,
    ],
  ])("%s is a usage error", async (_name, args, message) => {
    const run = await runInProcess([...args, "--redis", server.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("an unreachable Redis is a clear message and exit 3", async () => {
    const run = await runInProcess(["publish", "signals.generated", "--example", "--redis", unreachable]);
    expect(run).toMatchObject({ code: 3, stdout: "" });
    expect(run.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  });

  it("--help describes the command and its exit codes", async () => {
    const run = await runInProcess(["publish", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: trading-events publish <address>/);
    expect(run.stdout).toMatch(/3 Redis unreachable/);
  });

  it("both commands are listed in the main help", async () => {
    const run = await runInProcess(["--help"]);
    expect(run.stdout).toMatch(/^ {2}publish /m);
    expect(run.stdout).toMatch(/^ {2}tail /m);
  });
});
