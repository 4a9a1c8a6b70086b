// The shape of bench/results.json and the Markdown tables `npm run bench` prints (ready to paste
// into the README).
import type { MachineInfo } from "./machine.js";

export type Cell = string | number;

export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  readonly notes?: readonly string[];
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface SectionResult {
  readonly id: string;
  readonly title: string;
  readonly tables: readonly Table[];
  readonly targets: readonly TargetCheck[];
  /** Raw measurements for results.json. */
  readonly data: unknown;
}

export interface BenchResults {
  readonly date: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly sections: readonly SectionResult[];
  readonly targets: readonly TargetCheck[];
}

export function formatCell(cell: Cell): string {
  if (typeof cell === "string") return cell;
  if (!Number.isFinite(cell)) return String(cell);
  return cell.toLocaleString("en-US", { maximumFractionDigits: Math.abs(cell) >= 100 ? 0 : 2 });
}

export function markdownTable(table: Table): string {
  const header = `| ${table.columns.join(" | ")} |`;
  const rule = `| ${table.columns.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`;
  const rows = table.rows.map((row) => `| ${row.map(formatCell).join(" | ")} |`);
  const notes = (table.notes ?? []).map((note) => `\n${note}`);
  return [`**${table.title}**`, "", header, rule, ...rows, ...notes].join("\n");
}

export function targetsTable(targets: readonly TargetCheck[]): Table {
  return {
    title: "Targets",
    columns: ["Target", "Measured", "Met"],
    rows: targets.map((t) => [t.target, t.measured, t.met ? "yes" : "**no**"]),
  };
}

export function ratio(numerator: number, denominator: number): string {
  return `${formatCell(Math.round((numerator / denominator) * 100) / 100)}×`;
}
