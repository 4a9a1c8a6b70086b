// `npm run generate`: asyncapi.yaml → generated/. Exits non-zero with the spec location on error.
// Options: --spec <file> (default asyncapi.yaml), --out <dir> (default generated/), --consumers <dir>
// (default contracts/consumers: the manifests the docs show).
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { generatorPaths } from "./generator/cli-options.js";
import { SpecError } from "./generator/load-spec.js";
import { generateArtifacts } from "./generator/pipeline.js";
import { productionSteps } from "./generator/steps.js";
import { writeFiles } from "./generator/write-files.js";

const { specPath, outDir, consumersDir } = generatorPaths(process.argv.slice(2));
const specName = relative(process.cwd(), specPath) || specPath;

try {
  const { model, files } = await generateArtifacts(readFileSync(specPath, "utf8"), {
    specPath: specName,
    extraSteps: productionSteps(consumersDir),
  });
  for (const warning of model.warnings) console.warn(`warning: ${warning}`);
  writeFiles(outDir, files);
  console.log(
    `${relative(process.cwd(), outDir) || "."}/ written: ${files.length} files from ${specName} (contract ${model.version})`,
  );
} catch (error) {
  if (error instanceof SpecError) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
