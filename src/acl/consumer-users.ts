// ACL users from consumer manifests: each declared consumer's <consumer>-subscriber user may
// SUBSCRIBE to exactly what its manifest declares (the listed addresses, or every address of a
// channel), and PSUBSCRIBE only when a subscription says PSUBSCRIBE. Pure data in and out.
import { AclContractError, type AclUser, channelPattern } from "./acl-users.js";

/** What the ACL needs of a consumer manifest. */
export interface DeclaredConsumer {
  readonly consumer: string;
  readonly subscriptions: readonly {
    readonly channel: string;
    readonly using: "SUBSCRIBE" | "PSUBSCRIBE";
    readonly addresses?: readonly string[];
  }[];
}

const GLOB_CHARACTERS = /[*?[\]\\]/;
const SUBSCRIBE_COMMANDS = ["info", "ping", "subscribe", "unsubscribe"];
const PATTERN_COMMANDS = ["psubscribe", "punsubscribe"];

export function consumerAclUser({ consumer, subscriptions }: DeclaredConsumer): AclUser {
  const channels = new Set<string>();
  for (const { channel, addresses } of subscriptions) {
    for (const address of addresses ?? []) {
      // A listed address is granted as written: a glob character would grant more than it says.
      if (GLOB_CHARACTERS.test(address))
        throw new AclContractError(
          `${consumer} lists the address ${address}, which holds a Redis glob character`,
        );
      channels.add(address);
    }
    if (!addresses) channels.add(channelPattern(channel));
  }
  const patterns = subscriptions.some((s) => s.using === "PSUBSCRIBE");
  return {
    name: `${consumer}-subscriber`,
    service: consumer,
    role: "subscriber",
    channels: [...channels].sort(),
    commands: [...SUBSCRIBE_COMMANDS, ...(patterns ? PATTERN_COMMANDS : [])].sort(),
  };
}

/** The contract's users with each declared consumer's subscriber user taken from its manifest. */
export function withDeclaredConsumers(
  users: readonly AclUser[],
  consumers: readonly DeclaredConsumer[],
): AclUser[] {
  const declared = consumers.map(consumerAclUser);
  const names = new Set(declared.map((u) => u.name));
  return [...users.filter((u) => !names.has(u.name)), ...declared].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
}
