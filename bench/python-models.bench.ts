// Section 8: the generated Python models against the services' hand-written Pydantic models, measured by
// bench/python_models_bench.py in one Python process (each round runs both, the first alternating; the ratio is
// taken per round, then its median and spread, as the other sections do). Same
// arguments, same bytes (the script asserts it). Alone: npm run bench -- --only 8
import { execFileSync } from "node:child_process";
import path from "node:path";
import { python } from "../scripts/build-python.js";
import { repoRoot } from "./support/paths.js";
import { type Cell, ratio, type SectionResult } from "./support/report.js";
import { round } from "./support/stats.js";

const ROUNDS = 15;
const CALLS = 3_000;
const TARGET = 1.2;

interface Timing {
  hand: number;
  generated: number;
  /** generated ÷ hand-written: the median of the rounds' ratios, and the lowest and highest. */
  ratio: number;
  ratio_min: number;
  ratio_max: number;
}

type Results = Record<string, Record<string, Timing>>;

export function benchPythonModels(): SectionResult {
  const output = execFileSync(
    python,
    [path.join(repoRoot, "bench", "python_models_bench.py"), `${ROUNDS}`, `${CALLS}`],
    {
      encoding: "utf8",
      env: {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: "1",
        PYTHONPATH: [
          path.join(repoRoot, "generated", "python"),
          path.join(repoRoot, "test", "fixtures", "python-seed"),
        ].join(path.delimiter),
      },
    },
  );
  const { python: version, results } = JSON.parse(output) as { python: string; results: Results };
  const channels = Object.keys(results);
  const operations = Object.keys(results[channels[0] ?? ""] ?? {});
  const rows: Cell[][] = operations.flatMap((operation) => [
    [`${operation}: hand-written model`, ...channels.map((c) => results[c]?.[operation]?.hand ?? Number.NaN)],
    [
      `${operation}: generated model`,
      ...channels.map((c) => results[c]?.[operation]?.generated ?? Number.NaN),
    ],
    [`${operation}: generated ÷ hand-written`, ...channels.map((c) => ratioOf(results, c, operation))],
  ]);
  const worst = (operation: string) => Math.max(...channels.map((c) => quotient(results, c, operation)));
  const targets = ["validate + dump", "read the message"].map((operation) => ({
    target: `Python ${operation} within ${TARGET}× the hand-written model`,
    measured: `${worst(operation).toFixed(2)}× at worst (median of ${ROUNDS} rounds)`,
    met: worst(operation) <= TARGET,
  }));
  return {
    id: "8",
    title: "Python models",
    tables: [
      {
        title: `8. Generated Python models against the hand-written ones, ns/call (CPython ${version}; lower is better)`,
        columns: ["Variant", ...channels],
        rows,
        notes: [
          "validate + dump: construct with the services' arguments and model_dump_json(); validate + to_wire: the same " +
            "with the strict check of the bytes; read the message: the hand-written model's model_validate_json against from_wire. " +
            `ns: median over ${ROUNDS} rounds of ${CALLS.toLocaleString("en-US")} calls per side. Ratios: median of the ` +
            "per-round ratios [lowest–highest round]; each round runs both sides back to back, the first one alternating.",
        ],
      },
    ],
    targets,
    data: { python: version, rounds: ROUNDS, calls: CALLS, results },
  };
}

function quotient(results: Results, channel: string, operation: string): number {
  return results[channel]?.[operation]?.ratio ?? Number.NaN;
}

function ratioOf(results: Results, channel: string, operation: string): string {
  const timing = results[channel]?.[operation];
  if (timing === undefined) return "n/a";
  return `${ratio(timing.ratio, 1)} [${round(timing.ratio_min, 2)}–${round(timing.ratio_max, 2)}]`;
}
