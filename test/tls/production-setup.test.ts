// The documented production setup: TLS with client certificates plus the contract's ACL users, on one
// redis-server. The package's publisher and subscriber, and the CLI's publish and tail (user and
// password from the URL or from --user/--password-file, TLS files from --tls-*), each as a service.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";
import { redisOptionsFromUrl } from "../../src/connection/redis-url.js";
import { createPublisher } from "../../src/publisher/index.js";
import { createSubscriber } from "../../src/subscriber/index.js";
import { makeEvent } from "../../src/testing/index.js";
import { waitFor } from "../subscriber/wait-for.js";
import { type AclFixture, makeAclFixture } from "../support/acl-fixture.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { runInProcess, runTradingEvents, startCli } from "../support/run-cli.js";
import { makeTestPki, type TestPki } from "../support/tls-certificates.js";

const PRICES = "market-data-service-publisher";
const CONSOLE = "web-console-subscriber";

let pki: TestPki;
let acl: AclFixture;
let server: RedisServerHandle;
const cleanups = cleanupAfterEach();

beforeAll(async () => {
  pki = makeTestPki();
  acl = await makeAclFixture();
  server = await startRedisServer({
    args: ["--aclfile", acl.aclFile],
    tls: { certFile: pki.file("server.crt"), keyFile: pki.file("server.key"), caFile: pki.file("ca.crt") },
  });
});
afterAll(async () => {
  await server?.stop();
  acl?.remove();
  pki?.remove();
});

const tlsUrl = (user?: string) =>
  `rediss://${user ? `${user}:${acl.password(user)}@` : ""}127.0.0.1:${server.tlsPort}`;
const tlsFlags = (ca = "ca.crt") => [
  "--tls-ca",
  pki.file(ca),
  "--tls-cert",
  pki.file("client.crt"),
  "--tls-key",
  pki.file("client.key"),
  "--tls-server-name",
  "redis.test",
];
const asUser = (user: string) => ["--user", user, "--password-file", path.join(acl.passwordDir, user)];

describe("library", () => {
  it("a price flows from the Market Data Service to the web console over TLS, each as its own user", async () => {
    const tls = { ca: pki.read("ca.crt"), cert: pki.read("client.crt"), key: pki.read("client.key") };
    const received: string[] = [];
    const subscriber = createSubscriber({
      connection: redisOptionsFromUrl(tlsUrl(CONSOLE), { tls }),
      heartbeat: false,
    });
    cleanups.push(() => subscriber.close());
    await subscriber.handle(
      "price.updated.{symbol}",
      (event) => {
        received.push(event.symbol);
      },
      { symbols: ["MSFT"] },
    );
    const publisher = createPublisher({ connection: redisOptionsFromUrl(tlsUrl(PRICES), { tls }) });
    cleanups.push(() => publisher.close());

    const result = await publisher.publish("price.updated.{symbol}", makeEvent("price.updated.MSFT"));

    expect(result).toMatchObject({ status: "published", subscribers: 1 });
    await waitFor(() => received.length === 1, "the price");
  });
});

describe("CLI", () => {
  it("tail (--user, --password-file) receives what publish (the URL's user) sends, both over TLS", async () => {
    const tail = startCli([
      "tail",
      "price.updated.AAPL",
      "--count",
      "1",
      "--redis",
      tlsUrl(),
      ...asUser(CONSOLE),
      ...tlsFlags(),
    ]);
    await waitFor(
      () => tail.stderr.text.includes("tail: subscribed to"),
      `tail to subscribe: ${tail.stderr.text}`,
    );

    const published = await runInProcess([
      "publish",
      "price.updated.AAPL",
      "--example",
      "--redis",
      tlsUrl(PRICES),
      ...tlsFlags(),
    ]);

    expect(published).toMatchObject({ code: 0, stdout: "1\n" });
    expect(await tail.exited).toBe(0);
    expect(tail.stdout.text).toMatch(/^price\.updated\.AAPL \{.*"symbol":"AAPL"/);
    expect(tail.stderr.text + published.stderr).not.toContain(acl.password(PRICES));
  });

  it.each([
    [
      "publish on another service's channel",
      () => ["publish", "signals.generated", "--example", "--redis", tlsUrl(PRICES), ...tlsFlags()],
      /NOPERM/,
    ],
    [
      "tail on a channel outside the user's",
      () => ["tail", "signals.generated", "--redis", tlsUrl(), ...asUser(CONSOLE), ...tlsFlags()],
      /could not subscribe to signals\.generated: NOPERM/,
    ],
    [
      "a CA that did not sign the server's certificate",
      () => [
        "publish",
        "price.updated.AAPL",
        "--example",
        "--redis",
        tlsUrl(PRICES),
        ...tlsFlags("other-ca.crt"),
      ],
      /^TLS failed with Redis at rediss:\/\/market-data-service-publisher:\*\*\*@.*not signed by a CA this client trusts/,
    ],
    [
      "a wrong password",
      () => {
        writeFileSync(pki.file("wrong-password"), "wrong\n");
        return [
          "tail",
          "price.updated.AAPL",
          "--redis",
          tlsUrl(),
          "--user",
          CONSOLE,
          "--password-file",
          pki.file("wrong-password"),
          ...tlsFlags(),
        ];
      },
      /authentication failed at Redis .*WRONGPASS/,
    ],
  ])("%s: exit 3 with the reason", async (_reason, args, message) => {
    const run = await runInProcess(args());
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(3);
  });

  it("as a real process: a certificate failure exits 3 with the reason", async () => {
    const run = await runTradingEvents([
      "publish",
      "price.updated.AAPL",
      "--example",
      "--redis",
      tlsUrl(),
      ...asUser(PRICES),
      ...tlsFlags("other-ca.crt"),
    ]);
    expect(run).toMatchObject({ code: 3, stdout: "" });
    expect(run.stderr).toMatch(/TLS failed with Redis at .*not signed by a CA this client trusts/);
  });
});
