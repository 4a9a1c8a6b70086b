// What a contract change means for its declared consumers: every difference between the new
// contract and a consumer (flat, one per consumer, channel, field and rule), marked new when the
// old contract did not have it. A new difference that is not accepted is what breaks a consumer.
import type { SpecDocument } from "../contract/compatibility/spec-document.js";
import { type ConsumerReport, checkConsumer } from "./check-consumer.js";
import { contractChannels } from "./contract-channels.js";
import type { AcceptedDifference, ConsumerManifest } from "./manifest.js";

export interface ConsumerDifference {
  readonly consumer: string;
  readonly channel: string;
  /** `rejects`: (a); `reads`: (b); `unknown`: (c). */
  readonly kind: "rejects" | "reads" | "unknown";
  readonly field: string;
  readonly rule: string;
  readonly reason: string;
  /** A message producers of the new contract may send that shows it, when there is one. */
  readonly example?: { readonly address?: string; readonly message: unknown };
  readonly accepted?: AcceptedDifference;
  /** Not there with the old contract: this change brings it. */
  readonly isNew: boolean;
}

export function flatDifferences(report: ConsumerReport): Omit<ConsumerDifference, "isNew">[] {
  const { consumer } = report;
  const accepted = (a: AcceptedDifference | undefined) => (a ? { accepted: a } : {});
  return [
    ...report.channels.flatMap((c) => [
      ...c.rejections.map((r) => ({
        consumer,
        channel: c.channel,
        kind: "rejects" as const,
        field: r.field,
        rule: r.rule,
        reason: r.reason,
        example: { address: r.address, message: r.message },
        ...accepted(r.accepted),
      })),
      ...c.unguaranteedReads.map((r) => ({
        consumer,
        channel: c.channel,
        kind: "reads" as const,
        field: r.field,
        rule: r.rule,
        reason: r.reason,
        ...(r.example !== undefined ? { example: { message: r.example } } : {}),
        ...accepted(r.accepted),
      })),
    ]),
    ...report.unknown.map((u) => ({
      consumer,
      channel: u.channel,
      kind: "unknown" as const,
      field: "",
      rule: u.address ?? "channel",
      reason: u.reason,
    })),
  ];
}

/** Every consumer's differences with the new contract, each marked new or already there with the old one. */
export function consumerDifferences(
  oldDoc: SpecDocument,
  newDoc: SpecDocument,
  manifests: readonly ConsumerManifest[],
): ConsumerDifference[] {
  const before = contractChannels(oldDoc);
  const after = contractChannels(newDoc);
  const key = (d: Omit<ConsumerDifference, "isNew">) =>
    [d.consumer, d.channel, d.kind, d.field, d.rule].join("\u0000");
  return manifests.flatMap((manifest) => {
    const old = new Set(flatDifferences(checkConsumer(manifest, before)).map(key));
    return flatDifferences(checkConsumer(manifest, after)).map((d) => ({ ...d, isNew: !old.has(key(d)) }));
  });
}

/** Differences that fail a check: not accepted in the consumer's manifest. */
export const unaccepted = (differences: readonly ConsumerDifference[]) =>
  differences.filter((d) => d.accepted === undefined);

/** `onlyNew`: list what the change brings, and count the rest (for diff; contract:check lists all). */
export function formatDifferences(differences: readonly ConsumerDifference[], onlyNew = false): string[] {
  const shown = onlyNew ? differences.filter((d) => d.isNew) : differences;
  const known = differences.length - shown.length;
  const rest =
    known > 0
      ? [
          `  ${known} known difference${known === 1 ? "" : "s"} unchanged (trading-events consumers lists them)`,
        ]
      : [];
  if (shown.length === 0)
    return [`declared consumers: no ${onlyNew ? "new " : ""}difference with the contract`, ...rest];
  const lines = ["declared consumers:"];
  for (const d of shown) {
    const status = d.accepted ? "accepted" : d.isNew ? "NEW" : "NOT ACCEPTED";
    lines.push(
      `  ${status}  ${d.consumer}  ${d.channel}${d.field ? ` ${d.field}` : ""} ${d.rule}: ${d.reason}`,
    );
    if (d.example) {
      const address = d.example.address ? `${d.example.address} ` : "";
      lines.push(`    e.g. ${address}${JSON.stringify(d.example.message)}`);
    }
  }
  return [...lines, ...rest];
}
