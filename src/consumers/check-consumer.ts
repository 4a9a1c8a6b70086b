// Checks one consumer against a contract: (a) messages the contract allows that the consumer
// rejects, each with a concrete message; (b) fields it reads that the contract does not
// guarantee; (c) subscriptions to channels or addresses the contract does not have. A difference
// listed under the manifest's `accepted` is reported as accepted and does not fail the check.
import { closestChannel } from "../contract/closest-channel.js";
import { compileConsumerRules } from "./consumer-rules.js";
import type { ContractChannel } from "./contract-channels.js";
import { findRejections, type Rejection } from "./find-rejections.js";
import type { AcceptedDifference, ConsumerManifest, Subscription } from "./manifest.js";
import { type UnguaranteedRead, unguaranteedReads } from "./read-guarantees.js";
import { unknownAddresses } from "./subscription-addresses.js";

export type Accepted = { readonly accepted?: AcceptedDifference };

export interface UnknownSubscription {
  readonly channel: string;
  readonly address?: string;
  readonly reason: string;
  readonly at: string;
}

export interface ChannelCheck {
  readonly channel: string;
  readonly at: string;
  readonly rejections: readonly (Rejection & Accepted)[];
  readonly unguaranteedReads: readonly (UnguaranteedRead & Accepted)[];
}

export interface ConsumerReport {
  readonly consumer: string;
  readonly file: string;
  readonly channels: readonly ChannelCheck[];
  readonly unknown: readonly UnknownSubscription[];
  /** Accepted differences that no longer occur: the manifest can drop them. */
  readonly unusedAcceptances: readonly AcceptedDifference[];
  /** True when every difference found is accepted and every subscription exists. */
  readonly ok: boolean;
}

export function checkConsumer(
  manifest: ConsumerManifest,
  channels: ReadonlyMap<string, ContractChannel>,
): ConsumerReport {
  const checks: ChannelCheck[] = [];
  const unknown: UnknownSubscription[] = [];
  const used = new Set<AcceptedDifference>();
  for (const subscription of manifest.subscriptions) {
    const channel = channels.get(subscription.channel);
    if (!channel) {
      unknown.push(unknownChannel(subscription, [...channels.keys()]));
      continue;
    }
    unknown.push(...unknownAddresses(subscription, channel));
    const accept = <T extends { field: string; rule: string }>(found: T): T & Accepted => {
      const accepted = subscription.accepted.find((a) => a.field === found.field && a.rule === found.rule);
      if (accepted) used.add(accepted);
      return accepted ? { ...found, accepted } : found;
    };
    checks.push({
      channel: channel.address,
      at: subscription.at,
      rejections: findRejections(
        channel,
        subscription.accepts,
        compileConsumerRules(subscription.accepts),
      ).map(accept),
      unguaranteedReads: unguaranteedReads(channel, subscription.reads).map(accept),
    });
  }
  const open = checks.some(
    (c) => c.rejections.some((r) => !r.accepted) || c.unguaranteedReads.some((r) => !r.accepted),
  );
  const unusedAcceptances = manifest.subscriptions.flatMap((s) => s.accepted.filter((a) => !used.has(a)));
  return {
    consumer: manifest.consumer,
    file: manifest.file,
    channels: checks,
    unknown,
    unusedAcceptances,
    ok: !open && unknown.length === 0,
  };
}

function unknownChannel(subscription: Subscription, known: string[]): UnknownSubscription {
  const near = closestChannel(subscription.channel, known);
  return {
    channel: subscription.channel,
    reason: `the contract has no channel ${JSON.stringify(subscription.channel)}${near ? `: did you mean ${near}?` : ""}`,
    at: subscription.at,
  };
}
