// The generator as one pure function: spec text in, the files of generated/ out. Only the
// write step (write-files.ts) touches the disk, so tests and the staleness check reuse this.
import type { GeneratedFile } from "./banner.js";
import { emitChannels } from "./emit-channels.js";
import { emitIndex } from "./emit-index.js";
import { emitPython } from "./emit-python.js";
import { emitSchemas } from "./emit-schemas.js";
import { emitSerializers } from "./emit-serializers.js";
import { emitTypes } from "./emit-types.js";
import { emitValidators } from "./emit-validators.js";
import { emitViolations } from "./emit-violations.js";
import { type ContractModel, loadSpec } from "./load-spec.js";

export interface GenerateOptions {
  specPath?: string;
  /** Extra emit steps (the HTML docs), kept optional so that unit tests stay fast. */
  extraSteps?: ((model: ContractModel) => Promise<GeneratedFile[]> | GeneratedFile[])[];
}

export interface GenerateResult {
  model: ContractModel;
  files: GeneratedFile[];
}

export async function generateArtifacts(
  specText: string,
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const model = await loadSpec(specText, options.specPath);
  const files: GeneratedFile[] = [
    await emitTypes(model),
    emitValidators(model),
    emitSerializers(model),
    emitChannels(model),
    emitIndex(model),
    emitViolations(model),
    ...emitSchemas(model),
    ...emitPython(model),
  ];
  for (const step of options.extraSteps ?? []) files.push(...(await step(model)));
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { model, files };
}
