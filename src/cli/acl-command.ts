// `trading-events acl users | file | commands`: the contract's Redis ACL users, as names, as an
// aclfile for redis-server, or as ACL SETUSER lines for a running server. Passwords are read from
// <dir>/<user> and printed only as SHA-256 hashes.
import { parseArgs } from "node:util";
import {
  contractAclUsers,
  MissingPasswordError,
  PasswordFileError,
  readPasswordHashes,
  renderAclFile,
  renderSetUserCommands,
} from "../acl/index.js";
import { type CliIo, EXIT_OK, UsageError } from "./io.js";

export const aclHelp = `Usage: trading-events acl users
       trading-events acl file --password-dir <dir>
       trading-events acl commands --password-dir <dir>

Redis ACL users from the contract: for each service (an operation's tag in asyncapi.yaml), a
<service>-publisher user that may PUBLISH on the channels it sends, and a <service>-subscriber
user that may SUBSCRIBE to the channels it receives (price.updated.* for a channel with a
parameter). A channel rule grants PUBLISH and SUBSCRIBE alike, so a service's two connections
are two users. Each may run only the commands its client needs; the default user is switched off.

  users                     the user names, one per line
  file                      an ACL file for redis-server's aclfile directive (or ACL LOAD)
  commands                  the same as ACL SETUSER lines, e.g. for redis-cli on a running server
  --password-dir <dir>      <dir>/<user> holds the user's password (one per line: two during a
                            rotation, both accepted); printed only as #<sha256> hashes

Exit codes: 0 printed; 2 usage error, or a user's password file missing or empty (named).`;

export async function aclCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { "password-dir": { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(aclHelp);
    return EXIT_OK;
  }
  const [what, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(" ")}`);
  const users = contractAclUsers();
  if (what === "users") {
    if (values["password-dir"] !== undefined) throw new UsageError("acl users takes no --password-dir");
    for (const user of users) io.stdout(user.name);
    return EXIT_OK;
  }
  if (what !== "file" && what !== "commands") {
    throw new UsageError(`acl needs users, file or commands${what ? `, not ${JSON.stringify(what)}` : ""}`);
  }
  const dir = values["password-dir"];
  if (dir === undefined) throw new UsageError(`acl ${what} needs --password-dir <dir>`);
  let hashes: Awaited<ReturnType<typeof readPasswordHashes>>;
  try {
    hashes = await readPasswordHashes(
      dir,
      users.map((user) => user.name),
    );
  } catch (error) {
    if (error instanceof MissingPasswordError || error instanceof PasswordFileError) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  const text = what === "file" ? renderAclFile(users, hashes) : renderSetUserCommands(users, hashes);
  for (const line of text.trimEnd().split("\n")) io.stdout(line);
  return EXIT_OK;
}
