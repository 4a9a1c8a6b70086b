// The CLI never hangs and says what went wrong (issue 10, item 7), run in-process: a server that
// accepts TCP but never answers, wrong credentials, ctrl-C, a closed stdout, and events too deep
// to re-serialise.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractVersion } from "../../generated/index.js";
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";
import { waitFor } from "../subscriber/wait-for.js";
import { pythonWireCases } from "../support/python-wire.js";
import { openStdin, runInProcess, startCli, TextSink } from "../support/run-cli.js";
import { type SilentServer, startSilentServer } from "../support/silent-server.js";

const signalWire = pythonWireCases.find((c) => c.id === "signal-basic")?.wire ?? "";
let silent: SilentServer;
let server: RedisServerHandle;
let guarded: RedisServerHandle;
let redis: Redis;

beforeAll(async () => {
  [silent, server, guarded] = await Promise.all([
    startSilentServer(),
    startRedisServer(),
    startRedisServer({ args: ["--requirepass", "right-password"] }),
  ]);
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis?.quit();
  await Promise.all([silent?.close(), server?.stop(), guarded?.stop()]);
});

const port = (url: string) => new URL(url).port;

describe("a server that accepts TCP but never answers", () => {
  it("publish exits 3 once --connect-timeout has passed, saying the server never answered", async () => {
    const run = await runInProcess([
      "publish",
      "signals.generated",
      "--example",
      "--redis",
      silent.url,
      "--connect-timeout",
      "0.3",
    ]);
    expect(run).toMatchObject({ code: 3, stdout: "" });
    expect(run.stderr).toMatch(
      /^no answer from Redis at redis:\/\/127\.0\.0\.1:\d+ within 0\.3 s \(--connect-timeout\): it accepted the connection but never answered the handshake\n$/,
    );
    expect(silent.accepted()).toBeGreaterThan(0);
  });

  it("tail exits 3 once --connect-timeout has passed without a subscription", async () => {
    const run = await runInProcess([
      "tail",
      "signals.generated",
      "--redis",
      silent.url,
      "--connect-timeout",
      "0.3",
    ]);
    expect(run).toMatchObject({ code: 3, stdout: "" });
    expect(run.stderr).toMatch(
      /no answer from Redis at .* within 0\.3 s \(--connect-timeout\): not subscribed/,
    );
  });

  it("tail --timeout exits 3, not 0, when it never subscribed", async () => {
    const run = await runInProcess([
      "tail",
      "signals.generated",
      "--timeout",
      "0.3",
      "--redis",
      silent.url,
      "--connect-timeout",
      "60",
    ]);
    expect(run).toMatchObject({ code: 3, stdout: "" });
    expect(run.stderr).toMatch(/--timeout 0\.3 s passed before subscribing/);
  });
});

describe("authentication", () => {
  const credentials = [
    ["a wrong password", (url: string) => url.replace("redis://", "redis://:wrong-password@"), /WRONGPASS/],
    ["no password", (url: string) => url, /NOAUTH/],
    [
      "an unknown user",
      (url: string) => url.replace("redis://", "redis://mallory:right-password@"),
      /WRONGPASS/,
    ],
  ] as const;
  const commands = [
    ["publish", ["publish", "signals.generated", "--example"]],
    ["tail", ["tail", "signals.generated"]],
  ] as const;

  describe.each(commands)("%s", (_command, args) => {
    it.each(credentials)(
      "%s is an authentication failure (exit 3), not 'cannot reach'",
      async (_reason, url, reply) => {
        const run = await runInProcess([...args, "--redis", url(guarded.url)]);
        expect(run).toMatchObject({ code: 3, stdout: "" });
        expect(run.stderr).toMatch(
          new RegExp(`^authentication failed at Redis redis://\\S*127\\.0\\.0\\.1:${port(guarded.url)}: `),
        );
        expect(run.stderr).toMatch(reply);
        expect(run.stderr).not.toMatch(/cannot reach|right-password|wrong-password/);
      },
    );
  });

  it("the right password publishes", async () => {
    const run = await runInProcess([
      "publish",
      "signals.generated",
      "--example",
      "--redis",
      guarded.url.replace("redis://", "redis://:right-password@"),
    ]);
    expect(run).toMatchObject({ code: 0, stdout: "0\n", stderr: "" });
  });
});

describe("a user whose ACL refuses the channel", () => {
  let restricted: RedisServerHandle;
  let url: string;
  beforeAll(async () => {
    // May subscribe to prices only, with the commands ioredis and the subscriber need.
    restricted = await startRedisServer({
      args: [
        "--user",
        "prices-reader",
        "on",
        ">reader-pw",
        "resetchannels",
        "&price.updated.*",
        "+@connection",
        "+info",
        "+subscribe",
        "+psubscribe",
        "+unsubscribe",
        "+punsubscribe",
      ],
    });
    url = restricted.url.replace("redis://", "redis://prices-reader:reader-pw@");
  });
  afterAll(() => restricted?.stop());

  it("tail exits 3 naming the refusal (NOPERM), and never hangs", async () => {
    const run = await runInProcess(["tail", "signals.generated", "--redis", url, "--connect-timeout", "5"]);
    expect(run).toMatchObject({ code: 3, stdout: "" });
    expect(run.stderr).toMatch(/^subscribing failed: could not subscribe to signals\.generated: NOPERM/);
  });

  it("publish exits 3 naming the refusal", async () => {
    const run = await runInProcess(["publish", "signals.generated", "--example", "--redis", url]);
    expect(run).toMatchObject({ code: 3, stdout: "" });
    expect(run.stderr).toMatch(/^PUBLISH to signals\.generated failed: NOPERM/);
  });

  it("tail of an allowed pattern subscribes (the user's rights suffice for the CLI)", async () => {
    const ctrlC = new AbortController();
    const run = startCli(["tail", "price.updated.*", "--redis", url], { signal: ctrlC.signal });
    await waitFor(() => run.stderr.text.includes("tail: subscribed to price.updated.*"), "tail to subscribe");
    ctrlC.abort();
    expect(await run.exited).toBe(130);
  });
});

describe("ctrl-C exits 130 whatever the command", () => {
  it.each([
    ["validate, waiting for stdin", () => ["validate", "signals.generated"], "stdin"],
    ["tail, subscribed", () => ["tail", "signals.generated", "--redis", server.url], "tail: subscribed to"],
    [
      "publish, waiting for a server that never answers",
      () => ["publish", "signals.generated", "--example", "--redis", silent.url, "--connect-timeout", "60"],
      "connection",
    ],
  ] as const)("%s", async (_reason, args, readyWhen) => {
    const ctrlC = new AbortController();
    const stdin = openStdin();
    const acceptedBefore = silent.accepted();
    const run = startCli([...args()], { stdin, signal: ctrlC.signal });
    // Interrupt only once the command is really waiting.
    if (readyWhen === "stdin") await waitFor(() => stdin.listenerCount("data") > 0, "validate to read stdin");
    if (readyWhen === "connection")
      await waitFor(() => silent.accepted() > acceptedBefore, "publish to connect");
    if (readyWhen === "tail: subscribed to")
      await waitFor(() => run.stderr.text.includes(readyWhen), "tail to subscribe");
    ctrlC.abort();
    expect(await run.exited).toBe(130);
    expect(run.stdout.text).toBe("");
  });
});

describe("tail's output", () => {
  it("a reader that closed stdout (EPIPE) ends tail quietly with exit 0", async () => {
    const closedPipe = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
    const run = startCli(["tail", "signals.generated", "--redis", server.url], {
      stdout: new TextSink(closedPipe),
    });
    await waitFor(() => run.stderr.text.includes("tail: subscribed to"), "tail to subscribe");
    await redis.publish("signals.generated", signalWire);
    expect(await run.exited).toBe(0);
    expect(run.stderr.text).toBe("tail: subscribed to signals.generated\n");
  });

  it("prints valid events whose unknown fields nest too deep to re-serialise, and pretty JSON on one line", async () => {
    const depth = 50_000;
    const deep = signalWire.replace("{", `{"unknown_nested": ${"[".repeat(depth)}${"]".repeat(depth)}, `);
    const pretty = JSON.stringify(JSON.parse(signalWire), null, 2);
    const run = startCli(["tail", "signals.generated", "--json", "--count", "2", "--redis", server.url]);
    await waitFor(() => run.stderr.text.includes("tail: subscribed to"), "tail to subscribe");
    await redis.publish("signals.generated", deep);
    await redis.publish("signals.generated", pretty);
    expect(await run.exited).toBe(0);
    const lines = run.stdout.text.split("\n");
    expect(lines).toEqual([
      `{"channel":"signals.generated","event":${deep}}`,
      `{"channel":"signals.generated","event":${pretty.replace(/\n/g, "")}}`,
      "",
    ]);
    expect(JSON.parse(lines[1] ?? "")).toEqual({
      channel: "signals.generated",
      event: JSON.parse(signalWire),
    });
  });
});

describe("--version", () => {
  it("prints the package's and the contract's version", async () => {
    const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../package.json"), "utf8"));
    const run = await runInProcess(["--version"]);
    expect(run).toMatchObject({
      code: 0,
      stdout: `@trading-platform/events ${version} (contract ${contractVersion})\n`,
      stderr: "",
    });
  });
});
