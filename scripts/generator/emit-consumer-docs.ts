// The docs' "Producers and consumers" section: per channel, the services that publish and
// subscribe to it (operations, and consumer manifests), and each declared consumer's narrowing:
// what it rejects that the contract allows, with an example, and whether that is accepted.
import type { ConsumerManifest, ConsumerReport, Subscription } from "../../src/consumers/index.js";
import type { ContractChannel, ContractModel } from "./contract-model.js";

const styles = `
.consumers { max-width: 72rem; margin: 2rem auto; padding: 0 1.5rem 3rem; color: #1f2937; }
.consumers h2 { font-size: 1.5rem; font-weight: 700; margin: 1rem 0; }
.consumers h3 { font-size: 1.2rem; font-weight: 600; margin: 1.5rem 0 .5rem; }
.consumers h4 { font-weight: 600; margin: 1rem 0 .25rem; }
.consumers p, .consumers dd { margin: .25rem 0; }
.consumers dt { font-weight: 600; }
.consumers table { border-collapse: collapse; width: 100%; font-size: .875rem; }
.consumers th, .consumers td { border: 1px solid #d1d5db; padding: .25rem .5rem; text-align: left; vertical-align: top; }
.consumers code { font-family: ui-monospace, monospace; overflow-wrap: anywhere; }`;

export function renderConsumersSection(
  model: ContractModel,
  manifests: readonly ConsumerManifest[],
  reports: readonly ConsumerReport[],
): string {
  const parts = [
    `<section class="consumers" id="producers-and-consumers"><style>${styles}</style>`,
    "<h2>Producers and consumers</h2>",
    `<p>${inline("Who publishes and who subscribes to each channel: the services named by the operations of `asyncapi.yaml`, and the consumers that declare what they read and reject in `contracts/consumers/<service>.yaml` (checked by `trading-events consumers`). A consumer's narrowing lists the messages the contract allows that it rejects, each with a message the package's validators accept.")}</p>`,
    ...model.channels.map((channel) => channelPart(channel, manifests, reports)),
    "</section>",
  ];
  return parts.join("\n");
}

function channelPart(
  channel: ContractChannel,
  manifests: readonly ConsumerManifest[],
  reports: readonly ConsumerReport[],
): string {
  const services = (action: "send" | "receive") =>
    [...new Set(channel.operations.filter((o) => o.action === action).map((o) => o.service))].sort();
  const declared = manifests.filter((m) => m.subscriptions.some((s) => s.channel === channel.address));
  const consumers = [...new Set([...services("receive"), ...declared.map((m) => m.consumer)])].sort();
  const named = (names: string[]) =>
    names.length > 0 ? names.map((n) => `<code>${escapeHtml(n)}</code>`).join(", ") : "nobody yet";
  const lines = [
    `<h3><code>${escapeHtml(channel.address)}</code></h3>`,
    `<dl><dt>Produced by</dt><dd>${named(services("send"))}</dd><dt>Consumed by</dt><dd>${named(consumers)}</dd></dl>`,
  ];
  for (const manifest of declared) {
    for (const subscription of manifest.subscriptions.filter((s) => s.channel === channel.address)) {
      const report = reports.find((r) => r.consumer === manifest.consumer);
      lines.push(...consumerPart(manifest.consumer, subscription, report));
    }
  }
  return lines.join("\n");
}

function consumerPart(
  consumer: string,
  subscription: Subscription,
  report: ConsumerReport | undefined,
): string[] {
  const how =
    subscription.using === "PSUBSCRIBE"
      ? "PSUBSCRIBE on the channel's pattern"
      : subscription.addresses
        ? `SUBSCRIBE to ${subscription.addresses.map((a) => `<code>${escapeHtml(a)}</code>`).join(", ")} only`
        : "SUBSCRIBE, one address at a time";
  const reads = subscription.reads.map((r) => `<code>${escapeHtml(r)}</code>`).join(", ") || "nothing named";
  const check = report?.channels.find((c) => c.at === subscription.at);
  const found = [...(check?.rejections ?? []), ...(check?.unguaranteedReads ?? [])];
  const lines = [`<h4>${escapeHtml(consumer)}</h4>`, `<p>${how}; reads ${reads}.</p>`];
  if (found.length === 0) {
    lines.push(
      "<p>Accepts every message the contract allows, and reads only fields the contract guarantees.</p>",
    );
    return lines;
  }
  lines.push(
    "<table><thead><tr><th>Field</th><th>Rule</th><th>Why, and a message the contract allows</th><th>Status</th></tr></thead><tbody>",
  );
  for (const d of found) {
    const example =
      "message" in d
        ? `${d.address} ${JSON.stringify(d.message)}`
        : d.example !== undefined
          ? JSON.stringify(d.example)
          : "";
    const status = d.accepted ? `accepted: ${inline(d.accepted.why)}` : "not accepted";
    lines.push(
      `<tr><td><code>${escapeHtml(d.field)}</code></td><td><code>${escapeHtml(d.rule)}</code></td><td>${escapeHtml(d.reason)}${example ? `<br><code>${escapeHtml(example)}</code>` : ""}</td><td>${status}</td></tr>`,
    );
  }
  lines.push("</tbody></table>");
  return lines;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Escaped text with Markdown code spans as <code>, as the rest of the page shows them. */
function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}
