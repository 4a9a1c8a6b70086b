// The test kit's part for consumers with a manifest (contracts/consumers/<service>.yaml): the
// package's examples and the consumer check's generated cases for the channels it declares, each
// with what the manifest says the consumer does with it, so that a consumer's own tests can hold
// its code to its manifest; and an assertion that the contract and the manifest agree.
import { AssertionError } from "node:assert";
import { compileConsumerRules } from "../consumers/consumer-rules.js";
import { addressOf } from "../consumers/contract-channels.js";
import {
  type ConsumerReport,
  checkConsumer,
  packageContractChannels,
  readManifest,
} from "../consumers/index.js";

export interface ManifestCase {
  /** What the case is: `example aapl-quote`, `rejected /symbol pattern`, `read /bid nullable`. */
  readonly name: string;
  /** The channel as the contract writes it (`price.updated.{symbol}`). */
  readonly channel: string;
  /** The concrete address the message travels on (`price.updated.AAPL`). */
  readonly address: string;
  /** A message producers may send: every case passes the package's generated validators. */
  readonly message: unknown;
  /** Whether the consumer accepts it, by its manifest's rules: what the consumer's code must do. */
  readonly acceptedByManifest: boolean;
}

/** The consumer check of a manifest against the package's contract. */
export function checkManifest(manifestPath: string): ConsumerReport {
  return checkConsumer(readManifest(manifestPath), packageContractChannels());
}

/**
 * Every example of the channels the manifest subscribes to (on a listed address, if it lists
 * them), and every message the consumer check generated: rejections and unguaranteed reads.
 */
export function manifestCases(manifestPath: string): ManifestCase[] {
  const manifest = readManifest(manifestPath);
  const channels = packageContractChannels();
  const report = checkConsumer(manifest, channels);
  return manifest.subscriptions.flatMap((subscription) => {
    const channel = channels.get(subscription.channel);
    if (!channel) return [];
    const accepts = compileConsumerRules(subscription.accepts);
    const listed = (address: string) => !subscription.addresses || subscription.addresses.includes(address);
    const make = (name: string, message: unknown): ManifestCase[] => {
      const address = addressOf(channel, message);
      if (address === undefined || !listed(address)) return [];
      return [{ name, channel: channel.address, address, message, acceptedByManifest: accepts(message) }];
    };
    const check = report.channels.find((c) => c.at === subscription.at);
    return [
      ...channel.examples.flatMap((message, i) => make(`example #${i + 1}`, message)),
      ...(check?.rejections ?? []).flatMap((r) => make(`rejected ${r.field} ${r.rule}`, r.message)),
      ...(check?.unguaranteedReads ?? []).flatMap((r) =>
        r.example === undefined ? [] : make(`read ${r.field} ${r.rule}`, r.example),
      ),
    ];
  });
}

/**
 * Asserts that the contract and the manifest agree: every difference the check finds is accepted
 * in the manifest, and every channel and address it subscribes to exists. The message lists
 * each difference that is not.
 */
export function assertManifestHolds(manifestPath: string): void {
  const report = checkManifest(manifestPath);
  if (report.ok) return;
  const open = report.channels.flatMap((c) =>
    [...c.rejections, ...c.unguaranteedReads]
      .filter((d) => !d.accepted)
      .map((d) => `${c.channel} ${d.field} ${d.rule}: ${d.reason}`),
  );
  const unknown = report.unknown.map((u) => `${u.address ?? u.channel}: ${u.reason}`);
  throw new AssertionError({
    message: `${report.consumer}'s manifest (${report.file}) does not hold against the contract:\n${[...open, ...unknown].map((l) => `  ${l}`).join("\n")}`,
    operator: "assertManifestHolds",
  });
}
