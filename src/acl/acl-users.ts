// Least privilege from the contract: which Redis ACL user each service gets and exactly what it may
// do. Pure data in (who sends and receives which channel), pure data out; no I/O, no passwords.

/** One send or receive operation of the contract, with the service that performs it. */
export interface ServiceOperation {
  /** The service's id, as its operations' tag names it (`signal-service`). */
  readonly service: string;
  readonly action: "send" | "receive";
  /** The channel's address as written in the spec (`price.updated.{symbol}`). */
  readonly address: string;
}

export type AclRole = "publisher" | "subscriber";

/** A Redis ACL user: one per service and role, since a channel rule grants PUBLISH and SUBSCRIBE alike. */
export interface AclUser {
  /** `<service>-publisher` or `<service>-subscriber`. */
  readonly name: string;
  readonly service: string;
  readonly role: AclRole;
  /** Channel patterns for `&` rules, sorted: `signals.generated`, `price.updated.*`. */
  readonly channels: readonly string[];
  /** Commands for `+` rules, sorted; everything else stays denied (`-@all`). */
  readonly commands: readonly string[];
}

// What an ioredis 6 client sends, read from its lib/redis/event_handler.ts and Redis.ts#_readyCheck
// and seen with MONITOR and a byte-level proxy against redis-server 7.0.15:
// - HELLO 3 AUTH <user> <password> on connect, QUIT on close: Redis flags both no-auth and lets
//   every user run them, so no rule is needed (checked with a user that has only -@all).
// - CLIENT SETINFO LIB-VER / LIB-NAME: Redis 7.0 does not know the subcommand (a rule naming it
//   fails to load) and ioredis ignores the failure, so it is not granted.
// - INFO: the ready check (enableReadyCheck, on by default). Refused, ioredis prints a warning on
//   every connect and skips its LOADING check, so it is granted.
// - SELECT only for a database in the URL or `db` option; pub/sub ignores databases: not granted.
const HANDSHAKE_COMMANDS = ["info"];
const PUBLISHER_COMMANDS = ["publish"];
// PING: the subscriber's heartbeat (allowed in subscribed mode).
const SUBSCRIBER_COMMANDS = ["ping", "subscribe", "unsubscribe"];
// Only for channels with parameters, where a pattern such as price.updated.* makes sense.
const PATTERN_COMMANDS = ["psubscribe", "punsubscribe"];

const SERVICE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const GLOB_CHARACTERS = /[*?[\]\\]/;

/** The contract describes something that cannot become a safe ACL rule. */
export class AclContractError extends Error {
  override readonly name = "AclContractError";
}

/**
 * The ACL channel pattern of an address: every `{parameter}` becomes `*`. An address whose fixed part
 * holds a glob character would grant more than it says, so it is refused.
 */
export function channelPattern(address: string): string {
  const fixedParts = address.split(/\{[^}]*\}/);
  if (fixedParts.some((part) => GLOB_CHARACTERS.test(part))) {
    throw new AclContractError(
      `the address ${address} contains a Redis glob character outside its parameters`,
    );
  }
  return address.replace(/\{[^}]*\}/g, "*");
}

/** Every ACL user the contract's operations call for, sorted by name. */
export function aclUsersFor(operations: readonly ServiceOperation[]): AclUser[] {
  const grouped = new Map<string, { service: string; role: AclRole; addresses: Set<string> }>();
  for (const { service, action, address } of operations) {
    if (!SERVICE_ID.test(service)) {
      throw new AclContractError(`the service id ${JSON.stringify(service)} is not kebab-case (a-z, 0-9, -)`);
    }
    const role: AclRole = action === "send" ? "publisher" : "subscriber";
    const name = `${service}-${role}`;
    const entry = grouped.get(name) ?? { service, role, addresses: new Set<string>() };
    entry.addresses.add(address);
    grouped.set(name, entry);
  }
  return [...grouped.entries()]
    .map(([name, { service, role, addresses }]) => {
      const channels = [...new Set([...addresses].map(channelPattern))].sort();
      const hasParameters = [...addresses].some((address) => address.includes("{"));
      const commands =
        role === "publisher"
          ? [...HANDSHAKE_COMMANDS, ...PUBLISHER_COMMANDS]
          : [...HANDSHAKE_COMMANDS, ...SUBSCRIBER_COMMANDS, ...(hasParameters ? PATTERN_COMMANDS : [])];
      return { name, service, role, channels, commands: commands.sort() };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
