// A URL from the environment plus TLS files and a user: one ioredis options object.
import { describe, expect, it } from "vitest";
import { InvalidRedisUrlError, redactRedisUrl, redisOptionsFromUrl } from "../../src/connection/redis-url.js";

describe("redisOptionsFromUrl", () => {
  it.each([
    ["a plain URL", "redis://127.0.0.1:6380", {}, { host: "127.0.0.1", port: 6380 }],
    ["rediss:// asks for TLS", "rediss://redis.internal", {}, { host: "redis.internal", tls: {} }],
    [
      "user and password are percent-decoded",
      "redis://svc%40a:p%2Fw@h:1",
      {},
      { host: "h", port: 1, username: "svc@a", password: "p/w" },
    ],
    ["a database number is kept", "redis://h/2", {}, { host: "h", db: 2 }],
    ["IPv6 loses its brackets", "redis://[::1]:7000", {}, { host: "::1", port: 7000 }],
    [
      "extra TLS options merge into rediss://",
      "rediss://h",
      { tls: { servername: "redis.test" } },
      { host: "h", tls: { servername: "redis.test" } },
    ],
    [
      "a TLS profile's name (ioredis >= 6.1) becomes { profile }, as ioredis reads it",
      "rediss://h",
      { tls: "RedisCloudFixed" as const },
      { host: "h", tls: { profile: "RedisCloudFixed" } },
    ],
    [
      "extra options win over the URL's user",
      "redis://a:b@h",
      { username: "c", password: "d" },
      { host: "h", username: "c", password: "d" },
    ],
  ])("%s", (_reason, url, extra, want) => {
    expect(redisOptionsFromUrl(url, extra)).toEqual(want);
  });

  it.each([
    ["not a URL", "127.0.0.1:6379"],
    ["another scheme", "http://h"],
    ["a path that is not a database", "redis://h/x"],
    ["query parameters", "redis://h?family=6"],
  ])("refuses %s", (_reason, url) => {
    expect(() => redisOptionsFromUrl(url)).toThrow(InvalidRedisUrlError);
  });

  it("never puts a password into its error", () => {
    expect(() => redisOptionsFromUrl("http://u:hunter2@h")).toThrow(/u:\*\*\*@h/);
    expect(redactRedisUrl("redis://u:hunter2@h:1")).toBe("redis://u:***@h:1");
  });
});
