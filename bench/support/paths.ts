// Where things are, whether the benchmarks run from their TypeScript sources (tsx) or compiled to
// .tmp/bench-build (what `npm run bench` measures, the JavaScript users run).
import fs from "node:fs";
import path from "node:path";

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "asyncapi.yaml")) && fs.existsSync(path.join(dir, "package.json")))
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${start}`);
  }
}

/** The repository root: the directory holding asyncapi.yaml and package.json. */
export const repoRoot = findRoot(import.meta.dirname);

const compiled = import.meta.filename.endsWith(".js");

/** The node arguments that run a sibling module of the benchmarks, e.g. `support/publish-burst`. */
export function nodeArgsFor(benchRelativePath: string): string[] {
  const file = path.join(import.meta.dirname, "..", `${benchRelativePath}${compiled ? ".js" : ".ts"}`);
  return compiled ? [file] : ["--import", "tsx", file];
}
