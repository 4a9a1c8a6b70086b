// `trading-events acl users | file | commands`: the contract's Redis ACL users, as names, as an
// aclfile for redis-server, or as ACL SETUSER lines for a running server. Passwords are read from
// <dir>/<user> and printed only as SHA-256 hashes.
import { parseArgs } from "node:util";
import { channelNames } from "../../generated/index.js";
import {
  AclContractError,
  type AclUser,
  contractAclUsers,
  MissingPasswordError,
  PasswordFileError,
  readPasswordHashes,
  renderAclFile,
  renderSetUserCommands,
  withDeclaredConsumers,
} from "../acl/index.js";
import { defaultConsumersDir, ManifestError, readManifests } from "../consumers/index.js";
import { type CliIo, EXIT_OK, UsageError } from "./io.js";

export const aclHelp = `Usage: trading-events acl users [--from-manifests | --consumers <dir>]
       trading-events acl file --password-dir <dir> [--from-manifests | --consumers <dir>]
       trading-events acl commands --password-dir <dir> [--from-manifests | --consumers <dir>]

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
  --from-manifests          each consumer with a manifest (contracts/consumers/<service>.yaml) gets
                            its <service>-subscriber user from it instead: SUBSCRIBE on exactly the
                            addresses or channels it declares, PSUBSCRIBE only if it declares it
  --consumers <dir>         the same, with the manifests of <dir>

Exit codes: 0 printed; 2 usage error, or a user's password file missing or empty (named).`;

export async function aclCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      "password-dir": { type: "string" },
      "from-manifests": { type: "boolean", default: false },
      consumers: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(aclHelp);
    return EXIT_OK;
  }
  const [what, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(" ")}`);
  const manifestsDir = values.consumers ?? (values["from-manifests"] ? defaultConsumersDir() : undefined);
  const users = manifestsDir === undefined ? contractAclUsers() : usersWithManifests(manifestsDir);
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

/** The contract's users, each declared consumer's subscriber user from its manifest. */
function usersWithManifests(dir: string): AclUser[] {
  try {
    const manifests = readManifests(dir);
    for (const manifest of manifests) {
      const unknown = manifest.subscriptions.find(
        (s) => !(channelNames as readonly string[]).includes(s.channel),
      );
      if (unknown)
        throw new UsageError(`${unknown.at}: the contract has no channel ${JSON.stringify(unknown.channel)}`);
    }
    return withDeclaredConsumers(contractAclUsers(), manifests);
  } catch (error) {
    if (error instanceof ManifestError || error instanceof AclContractError)
      throw new UsageError(error.message);
    throw error;
  }
}
