// `npm run generate`: asyncapi.yaml → generated/. Exits non-zero with the spec location on error.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SpecError } from "./generator/load-spec.js";
import { generateArtifacts } from "./generator/pipeline.js";
import { productionSteps } from "./generator/steps.js";
import { writeFiles } from "./generator/write-files.js";

const root = resolve(import.meta.dirname, "..");

try {
  const { model, files } = await generateArtifacts(readFileSync(resolve(root, "asyncapi.yaml"), "utf8"), {
    extraSteps: productionSteps,
  });
  for (const warning of model.warnings) console.warn(`warning: ${warning}`);
  writeFiles(resolve(root, "generated"), files);
  console.log(`generated/ written: ${files.length} files from asyncapi.yaml (contract ${model.version})`);
} catch (error) {
  if (error instanceof SpecError) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
