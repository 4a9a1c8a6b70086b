// Section 8: the generated Python models against the services' hand-written Pydantic models, measured by
// bench/python_models_bench.py in one Python process (rounds alternate between the two; medians). Same
// arguments, same bytes (the script asserts it). Alone: npm run bench -- --only 8
import { execFileSync } from "node:child_process";
import path from "node:path";
import { python } from "../scripts/build-python.js";
import { repoRoot } from "./support/paths.js";
import { type Cell, ratio, type SectionResult } from "./support/report.js";

const ROUNDS = 7;
const CALLS = 3_000;
const TARGET = 1.2;

interface Timing {
  hand: number;
  generated: number;
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
    measured: `${worst(operation).toFixed(2)}× at worst`,
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
            "with the strict check of the bytes; read the message: the hand-written model's model_validate_json against from_wire.",
        ],
      },
    ],
    targets,
    data: { python: version, rounds: ROUNDS, calls: CALLS, results },
  };
}

function quotient(results: Results, channel: string, operation: string): number {
  const timing = results[channel]?.[operation];
  return timing === undefined ? Number.NaN : timing.generated / timing.hand;
}

function ratioOf(results: Results, channel: string, operation: string): string {
  const timing = results[channel]?.[operation];
  return timing === undefined ? "n/a" : ratio(timing.generated, timing.hand);
}
