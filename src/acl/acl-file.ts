// Renders ACL users as redis-server's `aclfile` lines or as `ACL SETUSER` commands for a running
// server. Passwords appear only as SHA-256 hashes (`#<hex>`); the `default` user is switched off.
import type { AclUser } from "./acl-users.js";

/** Each user's accepted password hashes (two during a rotation), lowercase hex SHA-256. */
export type PasswordHashes = ReadonlyMap<string, readonly string[]>;

const SHA256_HEX = /^[0-9a-f]{64}$/;

// `reset` first, so that a SETUSER on a running server leaves nothing of an earlier definition;
// `resetchannels` after it, because `reset` grants every channel when acl-pubsub-default is allchannels.
const DEFAULT_USER_RULES = ["reset", "off", "resetchannels", "-@all"];

/** The rules of one user, in the order Redis applies them. */
export function userRules(user: AclUser, hashes: readonly string[]): string[] {
  if (hashes.length === 0) throw new Error(`no password hash for ${user.name}`);
  for (const hash of hashes) {
    if (!SHA256_HEX.test(hash)) throw new Error(`not a lowercase hex SHA-256 hash for ${user.name}`);
  }
  return [
    "reset",
    "on",
    ...hashes.map((hash) => `#${hash}`),
    "resetchannels",
    ...user.channels.map((channel) => `&${channel}`),
    "-@all",
    ...user.commands.map((command) => `+${command}`),
  ];
}

function ruleLines(users: readonly AclUser[], hashes: PasswordHashes): [string, string[]][] {
  return [
    ...users.map((user): [string, string[]] => [user.name, userRules(user, hashes.get(user.name) ?? [])]),
    ["default", DEFAULT_USER_RULES],
  ];
}

/** The contents of an ACL file for redis-server's `aclfile` directive (or `ACL LOAD`). */
export function renderAclFile(users: readonly AclUser[], hashes: PasswordHashes): string {
  return ruleLines(users, hashes)
    .map(([name, rules]) => `user ${name} ${rules.join(" ")}\n`)
    .join("");
}

/** The same users as `ACL SETUSER` commands, one per line, e.g. for `redis-cli` reading stdin. */
export function renderSetUserCommands(users: readonly AclUser[], hashes: PasswordHashes): string {
  return ruleLines(users, hashes)
    .map(([name, rules]) => `ACL SETUSER ${name} ${rules.join(" ")}\n`)
    .join("");
}
