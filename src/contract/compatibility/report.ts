// Renders a compatibility report for people: a readable terminal report, and Markdown lines for CHANGELOG.md.
import type { CompatibilityReport } from "./compare.js";
import type { Finding } from "./findings.js";

const DOCUMENTATION = new Set([
  "annotation-changed",
  "metadata-changed",
  "document-changed",
  "operation-metadata-changed",
]);

function verdict(report: CompatibilityReport): string {
  if (!report.changed && report.findings.length === 0) return "unchanged";
  return report.breaking ? "BREAKING" : "compatible";
}

function breaksLabel(f: Finding): string {
  return f.breaks.length === 0 ? "compatible" : `BREAKS ${f.breaks.join("+")}`;
}

/** `consumersOf`: the declared consumers a breaking change breaks, printed after whom it breaks. */
export function formatReport(
  report: CompatibilityReport,
  consumersOf?: (f: Finding) => readonly string[],
): string[] {
  const count = report.findings.length;
  const breaking = report.findings.filter((f) => f.breaks.length > 0).length;
  const lines = [
    `${report.old.version} (${report.old.source}) → ${report.new.version} (${report.new.source}): ${verdict(report)}` +
      (count > 0 ? `, ${count} change${count === 1 ? "" : "s"}, ${breaking} breaking` : ""),
  ];
  for (const f of report.findings) {
    const where = [f.channel || "document", f.field].filter(Boolean).join(" ");
    lines.push("", `${breaksLabel(f)}  ${f.kind}  ${where}`, `  at ${f.spec}#${f.pointer}`, `  ${f.reason}`);
    if (f.breaks.length > 0) lines.push(`  breaks: ${f.whom}`);
    if (f.breaks.length > 0 && consumersOf) lines.push(`  consumers: ${namesOrNobody(consumersOf(f))}`);
  }
  return lines;
}

/** CHANGELOG lines: one per change, documentation-only changes summed up per channel. */
export function formatMarkdown(report: CompatibilityReport): string[] {
  const lines: string[] = [];
  const docsByChannel = new Map<string, number>();
  for (const f of report.findings) {
    const channel = f.channel || "document";
    if (DOCUMENTATION.has(f.kind) && f.breaks.length === 0) {
      docsByChannel.set(channel, (docsByChannel.get(channel) ?? 0) + 1);
      continue;
    }
    const field = f.field ? ` \`${f.field}\`` : "";
    const status = f.breaks.length === 0 ? "compatible" : `**breaking** (${f.breaks.join(", ")})`;
    lines.push(`- \`${channel}\`${field}: ${f.kind}, ${status}. ${capitalise(f.reason)}.`);
  }
  for (const [channel, n] of docsByChannel) {
    lines.push(
      `- \`${channel}\`: documentation only (${n} change${n === 1 ? "" : "s"} to descriptions, examples or annotations), compatible.`,
    );
  }
  return lines;
}

const namesOrNobody = (names: readonly string[]) =>
  names.length > 0 ? names.join(", ") : "no declared consumer";

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
