// Reads each ACL user's password from `<dir>/<user>` and keeps only its SHA-256 hash: the plain
// password never leaves this module. One password per line; two lines during a rotation.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { PasswordHashes } from "./acl-file.js";

/** `<dir>/<user>` does not exist or holds no password. */
export class MissingPasswordError extends Error {
  override readonly name = "MissingPasswordError";
  constructor(
    readonly user: string,
    readonly path: string,
  ) {
    super(`no password for the ACL user ${user}: ${path} is missing or empty`);
  }
}

/** `<dir>/<user>` exists but could not be read (permissions, a directory...). */
export class PasswordFileError extends Error {
  override readonly name = "PasswordFileError";
  constructor(
    readonly user: string,
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(`cannot read the password of the ACL user ${user} from ${path}: ${(cause as Error).message}`);
  }
}

export function sha256Hex(password: string): string {
  return createHash("sha256").update(password, "utf8").digest("hex");
}

/** The passwords in a password file's text: one per line, blank lines ignored, line breaks not part of them. */
export function passwordsIn(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.length > 0);
}

/** Every user's password hashes, read from `<dir>/<user>`. */
export async function readPasswordHashes(dir: string, users: readonly string[]): Promise<PasswordHashes> {
  const hashes = new Map<string, string[]>();
  for (const user of users) {
    const file = path.join(dir, user);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new MissingPasswordError(user, file);
      throw new PasswordFileError(user, file, error);
    }
    const passwords = passwordsIn(text);
    if (passwords.length === 0) throw new MissingPasswordError(user, file);
    hashes.set(user, passwords.map(sha256Hex));
  }
  return hashes;
}
