// --user, --password-file and --tls-* of `publish` and `tail`: read into ioredis options, never echoed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectionSettings } from "../../src/cli/connection-options.js";
import { UsageError } from "../../src/cli/io.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "cli-credentials-"));
const file = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
const password = file("password", "s3cret\n");
const twoLines = file("two-lines", "a\nb\n");
const ca = file("ca.pem", "CA");
const cert = file("cert.pem", "CERT");
const key = file("key.pem", "KEY");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("credentials", () => {
  it.each([
    [
      "--user and --password-file",
      { user: "web-console-subscriber", "password-file": password },
      "redis://h",
    ],
    [
      "they win over the URL's",
      { user: "web-console-subscriber", "password-file": password },
      "redis://other:pw@h",
    ],
  ])("%s", (_reason, values, url) => {
    const { redisOptions, displayUrl } = connectionSettings({ ...values, redis: url }, {});
    expect(redisOptions).toMatchObject({ username: "web-console-subscriber", password: "s3cret" });
    expect(displayUrl).not.toContain("s3cret");
  });

  it.each([
    ["a password file with two lines", { "password-file": twoLines }, /exactly one line/],
    [
      "a missing password file",
      { "password-file": path.join(dir, "absent") },
      /--password-file: cannot read/,
    ],
    ["an empty user", { user: "" }, /--user must not be empty/],
  ])("refuses %s as a usage error", (_reason, values, message) => {
    expect(() => connectionSettings(values, {})).toThrow(UsageError);
    expect(() => connectionSettings(values, {})).toThrow(message);
  });
});

describe("TLS files", () => {
  it("reads the CA, the client certificate and key, and the server name; TLS goes on", () => {
    const { redisOptions } = connectionSettings(
      {
        redis: "redis://h:1",
        "tls-ca": ca,
        "tls-cert": cert,
        "tls-key": key,
        "tls-server-name": "redis.test",
      },
      {},
    );
    expect(redisOptions.tls).toEqual({
      ca: Buffer.from("CA"),
      cert: Buffer.from("CERT"),
      key: Buffer.from("KEY"),
      servername: "redis.test",
    });
  });

  it.each([
    ["a certificate without its key", { "tls-cert": cert }, /--tls-cert and --tls-key go together/],
    ["a key without its certificate", { "tls-key": key }, /--tls-cert and --tls-key go together/],
    ["a CA file that cannot be read", { "tls-ca": path.join(dir, "absent") }, /--tls-ca: cannot read/],
  ])("refuses %s as a usage error", (_reason, values, message) => {
    expect(() => connectionSettings(values, {})).toThrow(UsageError);
    expect(() => connectionSettings(values, {})).toThrow(message);
  });
});
