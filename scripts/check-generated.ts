// `npm run check:generated`: fails, naming the stale files, when generated/ does not match asyncapi.yaml.
// Options: --spec <file>, --out <dir>, --consumers <dir>, as for generate.ts.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { generatorPaths } from "./generator/cli-options.js";
import { generateArtifacts } from "./generator/pipeline.js";
import { productionSteps } from "./generator/steps.js";
import { findStaleFiles } from "./generator/write-files.js";

const { specPath, outDir, consumersDir } = generatorPaths(process.argv.slice(2));
const out = relative(process.cwd(), outDir) || ".";
const { files } = await generateArtifacts(readFileSync(specPath, "utf8"), {
  specPath: relative(process.cwd(), specPath),
  extraSteps: productionSteps(consumersDir),
});
const { changed, missing, extra } = findStaleFiles(outDir, files);
const problems = [
  ...changed.map((f) => `${out}/${f} differs from what the spec generates`),
  ...missing.map((f) => `${out}/${f} is missing`),
  ...extra.map((f) => `${out}/${f} is not generated from the spec (remove it)`),
];
if (problems.length > 0) {
  console.error(`${out}/ is stale; run npm run generate and commit the result:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`${out}/ is up to date (${files.length} files)`);
