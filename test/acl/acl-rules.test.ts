// The ACL rule set, user by user: exactly the channels and commands each service's client needs.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderAclFile, renderSetUserCommands, userRules } from "../../src/acl/acl-file.js";
import {
  AclContractError,
  aclUsersFor,
  channelPattern,
  type ServiceOperation,
} from "../../src/acl/acl-users.js";
import { contractAclUsers } from "../../src/acl/index.js";
import {
  MissingPasswordError,
  PasswordFileError,
  passwordsIn,
  readPasswordHashes,
  sha256Hex,
} from "../../src/acl/password-dir.js";

const operations: ServiceOperation[] = [
  { service: "signal-service", action: "send", address: "signals.generated" },
  { service: "execution-gateway", action: "send", address: "orders.executed" },
  { service: "execution-gateway", action: "send", address: "positions.updated" },
  { service: "market-data-service", action: "send", address: "price.updated.{symbol}" },
  { service: "web-console", action: "receive", address: "price.updated.{symbol}" },
  { service: "operations", action: "receive", address: "signals.generated" },
  { service: "operations", action: "receive", address: "price.updated.{symbol}" },
];

const HASH = sha256Hex("s3cret");

describe("aclUsersFor", () => {
  it.each([
    [
      "a publisher gets PUBLISH on its own channels only",
      "execution-gateway-publisher",
      { channels: ["orders.executed", "positions.updated"], commands: ["info", "publish"] },
    ],
    [
      "a parameterised channel becomes a glob on its parameter",
      "market-data-service-publisher",
      { channels: ["price.updated.*"], commands: ["info", "publish"] },
    ],
    [
      "a subscriber of a parameterised channel may also use a pattern",
      "web-console-subscriber",
      {
        channels: ["price.updated.*"],
        commands: ["info", "ping", "psubscribe", "punsubscribe", "subscribe", "unsubscribe"],
      },
    ],
    [
      "a subscriber's channels are all it receives, sorted",
      "operations-subscriber",
      {
        channels: ["price.updated.*", "signals.generated"],
        commands: ["info", "ping", "psubscribe", "punsubscribe", "subscribe", "unsubscribe"],
      },
    ],
  ])("%s (%s)", (_reason, name, want) => {
    const user = aclUsersFor(operations).find((u) => u.name === name);
    expect(user).toMatchObject(want);
  });

  it("gives each service a separate user per role, sorted by name", () => {
    expect(aclUsersFor(operations).map((u) => u.name)).toEqual([
      "execution-gateway-publisher",
      "market-data-service-publisher",
      "operations-subscriber",
      "signal-service-publisher",
      "web-console-subscriber",
    ]);
  });

  it("a subscriber without parameterised channels gets no pattern commands", () => {
    const [user] = aclUsersFor([{ service: "audit", action: "receive", address: "orders.executed" }]);
    expect(user?.commands).toEqual(["info", "ping", "subscribe", "unsubscribe"]);
  });

  it.each([
    ["a service id that is not kebab-case", [{ service: "Signal Service", action: "send", address: "a" }]],
    ["a glob character outside the parameters", [{ service: "s", action: "send", address: "price.*.{x}" }]],
  ] as [string, ServiceOperation[]][])("refuses %s", (_reason, given) => {
    expect(() => aclUsersFor(given)).toThrow(AclContractError);
  });

  it("channelPattern turns every parameter into *", () => {
    expect(channelPattern("a.{x}.b.{y}")).toBe("a.*.b.*");
  });
});

describe("rendering", () => {
  const users = aclUsersFor(operations);
  const hashes = new Map(users.map((u) => [u.name, [HASH]]));

  it("writes one aclfile line per user, then the default user switched off", () => {
    const lines = renderAclFile(users, hashes).trimEnd().split("\n");
    expect(lines).toHaveLength(users.length + 1);
    expect(lines[0]).toBe(
      `user execution-gateway-publisher reset on #${HASH} resetchannels &orders.executed &positions.updated -@all +info +publish`,
    );
    expect(lines.at(-1)).toBe("user default reset off resetchannels -@all");
  });

  it("never grants every channel, every command or a key", () => {
    const text = renderAclFile(users, hashes) + renderSetUserCommands(users, hashes);
    expect(text).not.toMatch(/allchannels|allkeys|allcommands|\+@all|&\*(\s|$)|~/);
  });

  it("writes the same rules as ACL SETUSER commands", () => {
    const file = renderAclFile(users, hashes).split("\n");
    const commands = renderSetUserCommands(users, hashes).split("\n");
    expect(commands.map((line) => line.replace(/^ACL SETUSER /, "user "))).toEqual(file);
  });

  it("keeps every accepted hash (two during a rotation)", () => {
    const other = sha256Hex("next");
    const [user] = users;
    expect(userRules(user as (typeof users)[number], [HASH, other])).toContain(`#${other}`);
  });

  it.each([
    ["no hash", []],
    ["a plain password instead of a hash", ["s3cret"]],
  ])("refuses %s", (_reason, given) => {
    expect(() => userRules(users[0] as (typeof users)[number], given)).toThrow();
  });
});

describe("password files", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "acl-passwords-"));
  writeFileSync(path.join(dir, "one"), "s3cret\n");
  writeFileSync(path.join(dir, "two"), "s3cret\r\nnext\n\n");
  writeFileSync(path.join(dir, "empty"), "\n");
  mkdirSync(path.join(dir, "a-directory"));

  it.each([
    ["a trailing line break is not part of the password", "s3cret\n", ["s3cret"]],
    ["CRLF and blank lines are ignored", "a\r\n\r\nb", ["a", "b"]],
    ["spaces inside a password are kept", " a b \n", [" a b "]],
  ])("%s", (_reason, text, want) => {
    expect(passwordsIn(text)).toEqual(want);
  });

  it("hashes every password of every user", async () => {
    const hashes = await readPasswordHashes(dir, ["one", "two"]);
    expect(hashes.get("one")).toEqual([HASH]);
    expect(hashes.get("two")).toEqual([HASH, sha256Hex("next")]);
  });

  it.each([
    ["a missing file", "absent", MissingPasswordError],
    ["an empty file", "empty", MissingPasswordError],
    ["a file that cannot be read", "a-directory", PasswordFileError],
  ])("%s names the user", async (_reason, user, kind) => {
    const failure = readPasswordHashes(dir, ["one", user]);
    await expect(failure).rejects.toBeInstanceOf(kind);
    await expect(failure).rejects.toMatchObject({ user, path: path.join(dir, user) });
  });
});

describe("the contract's users (asyncapi.yaml operations and their service tags)", () => {
  const publish = ["info", "publish"];
  const subscribe = ["info", "ping", "psubscribe", "punsubscribe", "subscribe", "unsubscribe"];
  it.each([
    ["execution-gateway-publisher", ["orders.executed", "positions.updated"], publish],
    ["market-data-service-publisher", ["price.updated.*"], publish],
    [
      "operations-subscriber",
      ["orders.executed", "positions.updated", "price.updated.*", "signals.generated"],
      subscribe,
    ],
    ["signal-service-publisher", ["signals.generated"], publish],
    ["web-console-subscriber", ["price.updated.*"], subscribe],
  ])("%s: channels %j, commands %j", (name, channels, commands) => {
    expect(contractAclUsers().find((u) => u.name === name)).toMatchObject({ channels, commands });
  });

  it("has no other user", () => {
    expect(contractAclUsers()).toHaveLength(5);
  });
});
