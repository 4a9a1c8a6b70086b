// Section 6: wall time of `npm run generate`, run as a user runs it (npm, tsx, the whole pipeline
// including the HTML docs), writing into a temporary directory so the tree's generated/ is untouched.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SectionResult } from "./support/report.js";
import { median, now, round } from "./support/stats.js";

const RUNS = 3;

export function benchGenerate(root: string): SectionResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-generate-"));
  const wallMs: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const out = path.join(dir, `run-${run}`);
      const started = now();
      const result = spawnSync("npm", ["run", "--silent", "generate", "--", "--out", out], {
        cwd: root,
        encoding: "utf8",
      });
      wallMs.push(now() - started);
      if (result.status !== 0) {
        throw new Error(`npm run generate failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
      }
      if (!fs.existsSync(path.join(out, "index.ts")))
        throw new Error(`npm run generate wrote no index.ts to ${out}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const medianMs = median(wallMs);
  return {
    id: "generate",
    title: "6. npm run generate",
    tables: [
      {
        title: "6. `npm run generate` wall time",
        columns: ["Runs", "median (s)", "min (s)", "max (s)"],
        rows: [
          [
            RUNS,
            round(medianMs / 1000),
            round(Math.min(...wallMs) / 1000),
            round(Math.max(...wallMs) / 1000),
          ],
        ],
        notes: [
          "The whole command: npm and tsx start-up, asyncapi.yaml parsing, every emitter including the HTML docs.",
        ],
      },
    ],
    targets: [],
    data: { wallMs: wallMs.map((ms) => round(ms)) },
  };
}
