// Renders consumer reports for people: per consumer and channel, each difference with its example
// message (compact, as on the wire) and whether it is accepted.
import type { ConsumerReport } from "./check-consumer.js";

export function formatConsumerReports(reports: readonly ConsumerReport[]): string[] {
  const lines: string[] = [];
  for (const report of reports) lines.push(...formatOne(report), "");
  const open = reports.filter((r) => !r.ok).length;
  lines.push(
    `${reports.length} consumer${reports.length === 1 ? "" : "s"}: ${open === 0 ? "every difference is accepted" : `${open} with differences not accepted`}`,
  );
  return lines;
}

function formatOne(report: ConsumerReport): string[] {
  const found = report.channels.flatMap((c) => [...c.rejections, ...c.unguaranteedReads]);
  const accepted = found.filter((f) => f.accepted).length;
  const lines = [
    `${report.consumer} (${report.file}): ${report.ok ? "ok" : "DIFFERENCES NOT ACCEPTED"}, ${found.length - accepted} open, ${accepted} accepted, ${report.unknown.length} unknown`,
  ];
  for (const check of report.channels) {
    lines.push(`  ${check.channel} (${check.at})`);
    if (check.rejections.length + check.unguaranteedReads.length === 0)
      lines.push("    accepts everything the contract allows and reads only guaranteed fields");
    for (const r of check.rejections) {
      lines.push(`    ${r.accepted ? "accepted" : "REJECTS "}  ${r.field} ${r.rule}: ${r.reason}`);
      lines.push(
        `      valid for the contract, rejected by ${report.consumer}: ${r.address} ${JSON.stringify(r.message)}`,
      );
      if (r.accepted) lines.push(`      accepted: ${r.accepted.why}`);
    }
    for (const r of check.unguaranteedReads) {
      lines.push(`    ${r.accepted ? "accepted" : "READS   "}  ${r.field} ${r.rule}: ${r.reason}`);
      if (r.example !== undefined) lines.push(`      e.g. ${JSON.stringify(r.example)}`);
      if (r.accepted) lines.push(`      accepted: ${r.accepted.why}`);
    }
  }
  for (const u of report.unknown) lines.push(`  UNKNOWN   ${u.address ?? u.channel} (${u.at}): ${u.reason}`);
  for (const a of report.unusedAcceptances)
    lines.push(
      `  note: ${a.field} ${a.rule} is listed as accepted but no longer occurs; the manifest can drop it`,
    );
  return lines;
}
