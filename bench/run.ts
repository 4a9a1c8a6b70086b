// `npm run bench`: compiles the benchmarks and the package with tsc (bench/tsconfig.json, into
// .tmp/bench-build) and runs them with plain node, so what is measured is the JavaScript users run,
// not tsx's on-the-fly transform (which wraps every closure in a naming helper).
// Node runs with --expose-gc: the latency section starts each round on a collected heap.
// Options, passed on: --only 1,5,6 runs some sections (results.json is then not written unless
// --out <file> is given). --from-source runs the TypeScript with tsx instead, for quick iterations.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./support/paths.js";

const args = process.argv.slice(2);
const fromSource = args.includes("--from-source");
const passed = args.filter((arg) => arg !== "--from-source");

let command: string[];
if (fromSource) {
  command = ["--expose-gc", "--import", "tsx", path.join(repoRoot, "bench", "run-benchmarks.ts"), ...passed];
} else {
  // A fresh build: nothing compiled from a file that no longer exists can be picked up.
  fs.rmSync(path.join(repoRoot, ".tmp", "bench-build"), { recursive: true, force: true });
  const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const build = spawnSync(process.execPath, [tsc, "-p", path.join(repoRoot, "bench", "tsconfig.json")], {
    cwd: repoRoot,
    stdio: "inherit",
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  command = [
    "--expose-gc",
    path.join(repoRoot, ".tmp", "bench-build", "bench", "run-benchmarks.js"),
    ...passed,
  ];
}
const run = spawnSync(process.execPath, command, { cwd: repoRoot, stdio: "inherit" });
process.exit(run.status ?? 1);
