// The contract's ACL users with random passwords: a password directory and the aclfile that
// `trading-events acl file` prints for it, ready for `redis-server --aclfile`. Also one ad-hoc user on every
// node of a test cluster.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RedisClusterHandle } from "../../scripts/support/redis-cluster.js";
import { contractAclUsers } from "../../src/acl/index.js";
import { runInProcess } from "./run-cli.js";

export interface AclFixture {
  /** `<dir>/<user>` holds the user's password. */
  readonly passwordDir: string;
  readonly aclFile: string;
  password(user: string): string;
  remove(): void;
}

export async function makeAclFixture(): Promise<AclFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "trading-events-acl-"));
  const passwordDir = path.join(dir, "passwords");
  const passwords = new Map(contractAclUsers().map((u) => [u.name, randomBytes(12).toString("hex")]));
  mkdirSync(passwordDir);
  for (const [user, password] of passwords) writeFileSync(path.join(passwordDir, user), `${password}\n`);
  const printed = await runInProcess(["acl", "file", "--password-dir", passwordDir]);
  if (printed.code !== 0) throw new Error(`acl file failed (${printed.code}): ${printed.stderr}`);
  const aclFile = path.join(dir, "users.acl");
  writeFileSync(aclFile, printed.stdout);
  return {
    passwordDir,
    aclFile,
    password: (user) => {
      const password = passwords.get(user);
      if (password === undefined) throw new Error(`no ACL user ${user}`);
      return password;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `ACL SETUSER user ...rules` on every node of the cluster, as the same aclfile on every node would define it. */
export async function setUserOnEveryNode(
  cluster: RedisClusterHandle,
  user: string,
  rules: readonly string[],
): Promise<void> {
  for (const { port } of cluster.startupNodes) {
    const node = cluster.connectTo(port);
    await node.call("ACL", "SETUSER", user, ...rules);
    node.disconnect();
  }
}
