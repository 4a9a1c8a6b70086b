// Part (c), for addresses: each address a manifest lists must belong to its channel and carry
// parameter values that producers may send (a symbol the contract allows).

import type { UnknownSubscription } from "./check-consumer.js";
import type { ContractChannel } from "./contract-channels.js";
import type { Subscription } from "./manifest.js";

export function unknownAddresses(
  subscription: Subscription,
  channel: ContractChannel,
): UnknownSubscription[] {
  return (subscription.addresses ?? []).flatMap((address) => {
    const values = parameterValues(channel, address);
    if (values?.every(([name, value]) => parameterAllowed(channel, name, value))) return [];
    return [
      {
        channel: channel.address,
        address,
        reason: values
          ? `${address} carries a parameter value the contract does not allow on ${channel.address}`
          : `${address} is not an address of ${channel.address}`,
        at: subscription.at,
      },
    ];
  });
}

/** The parameter values in a concrete address, or undefined when it is not one of the channel's. */
function parameterValues(channel: ContractChannel, address: string): [string, string][] | undefined {
  const names: string[] = [];
  const literals = channel.address.split(/\{([^}]*)\}/).filter((part, i) => {
    if (i % 2 === 1) names.push(part);
    return i % 2 === 0;
  });
  const pattern = new RegExp(`^${literals.map(escapeRegExp).join("(.+)")}$`, "s");
  const match = pattern.exec(address);
  if (!match) return undefined;
  return names.map((name, i) => [name, match[i + 1] as string]);
}

/** Whether some example, with the parameter's field set to the value, is one producers may send. */
function parameterAllowed(channel: ContractChannel, name: string, value: string): boolean {
  const field = (channel.parameters.get(name) ?? "").slice(1);
  return channel.examples.some((example) =>
    channel.producersMaySend({ ...(example as object), [field]: value }),
  );
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&");
