// The connection options shared by `publish` and `tail`: the URL, $REDIS_URL and --connect-timeout.
import { describe, expect, it } from "vitest";
import { connectionSettings, DEFAULT_CONNECT_TIMEOUT_SECONDS } from "../../src/cli/connection-options.js";
import { UsageError } from "../../src/cli/io.js";

describe("--redis", () => {
  it.each([
    ["host and port", "redis://127.0.0.1:6390", { host: "127.0.0.1", port: 6390 }],
    [
      "a user and a percent-encoded password",
      "redis://svc-signals:p%40ss%3Aword@127.0.0.1:6390",
      { host: "127.0.0.1", port: 6390, username: "svc-signals", password: "p@ss:word" },
    ],
    ["a database", "redis://127.0.0.1:6390/3", { host: "127.0.0.1", port: 6390, db: 3 }],
    ["rediss:// turns TLS on", "rediss://127.0.0.1:6390", { host: "127.0.0.1", port: 6390, tls: {} }],
  ])("reads %s", (_reason, url, expected) => {
    expect(connectionSettings({ redis: url }, {}).redisOptions).toEqual(expected);
  });

  it.each([
    ["not a URL", "127.0.0.1:6379", /--redis: invalid Redis URL/],
    ["another scheme", "http://127.0.0.1:6379", /--redis: invalid Redis URL/],
    ["a database that is not a number", "redis://127.0.0.1:6379/zero", /database number/],
  ])("refuses %s as a usage error", (_reason, url, message) => {
    expect(() => connectionSettings({ redis: url }, {})).toThrow(UsageError);
    expect(() => connectionSettings({ redis: url }, {})).toThrow(message);
  });

  it("never prints the password of a refused URL", () => {
    expect(() => connectionSettings({ redis: "http://u:hunter2@127.0.0.1" }, {})).toThrow(/^(?!.*hunter2)/);
  });
});

describe("connectionSettings", () => {
  it.each([
    [
      "--redis wins over $REDIS_URL",
      { redis: "redis://127.0.0.1:1" },
      { REDIS_URL: "redis://127.0.0.1:2" },
      1,
    ],
    ["$REDIS_URL without --redis", {}, { REDIS_URL: "redis://127.0.0.1:2" }, 2],
    ["an empty $REDIS_URL is the default", {}, { REDIS_URL: "" }, 6379],
    ["the default", {}, {}, 6379],
  ])("%s", (_reason, values, env, port) => {
    expect(connectionSettings(values, env).redisOptions.port ?? 6379).toBe(port);
  });

  it("masks the password in the URL it prints", () => {
    const settings = connectionSettings({ redis: "redis://user:hunter2@127.0.0.1:1" }, {});
    expect(settings.displayUrl).toBe("redis://user:***@127.0.0.1:1");
  });

  it.each([
    ["the default", undefined, DEFAULT_CONNECT_TIMEOUT_SECONDS * 1000],
    ["whole seconds", "2", 2000],
    ["a fraction of a second", "0.25", 250],
  ])("--connect-timeout: %s", (_reason, text, ms) => {
    expect(connectionSettings({ "connect-timeout": text }, {}).connectTimeoutMs).toBe(ms);
  });

  it.each([
    ["zero", "0"],
    ["negative", "-1"],
    ["not a number", "soon"],
    ["empty", ""],
    ["infinite", "Infinity"],
  ])("--connect-timeout %s is a usage error", (_reason, text) => {
    expect(() => connectionSettings({ "connect-timeout": text }, {})).toThrow(
      /--connect-timeout must be a positive number of seconds/,
    );
  });
});

describe("--cluster and --sharded", () => {
  it.each([
    ["repeated seeds", ["redis://127.0.0.1:7000", "redis://127.0.0.1:7001"], [7000, 7001]],
    ["comma-separated seeds", ["redis://127.0.0.1:7000, redis://127.0.0.1:7001"], [7000, 7001]],
  ])("reads %s", (_reason, cluster, ports) => {
    const settings = connectionSettings({ cluster }, { REDIS_URL: "redis://127.0.0.1:1" });
    expect(settings.cluster?.map((seed) => seed.port)).toEqual(ports);
    expect(settings.mode).toBe("classic");
  });

  it("applies the first seed's credentials and TLS to every node, and masks the password", () => {
    const settings = connectionSettings(
      { cluster: ["rediss://svc:hunter2@127.0.0.1:7000", "rediss://127.0.0.1:7001"], sharded: true },
      {},
    );
    expect(settings.redisOptions).toEqual({ username: "svc", password: "hunter2", tls: {} });
    expect(settings.displayUrl).toBe("rediss://svc:***@127.0.0.1:7000, rediss://127.0.0.1:7001");
    expect(settings.mode).toBe("sharded");
  });

  it.each([
    ["an empty seed", { cluster: ["redis://127.0.0.1:7000,"] }, /empty seed/],
    ["a seed that is not a URL", { cluster: ["127.0.0.1:7000"] }, /--cluster: invalid Redis URL/],
    ["--redis beside it", { redis: "redis://127.0.0.1:1", cluster: ["redis://127.0.0.1:7000"] }, /not both/],
  ])("refuses %s", (_reason, values, message) => {
    expect(() => connectionSettings(values, {})).toThrow(UsageError);
    expect(() => connectionSettings(values, {})).toThrow(message);
  });

  it("--sharded on a single Redis means SPUBLISH / SSUBSCRIBE there", () => {
    const settings = connectionSettings({ sharded: true }, {});
    expect(settings).toMatchObject({ cluster: undefined, mode: "sharded" });
  });
});
