// Emit steps that run only in the real `npm run generate` (slow ones, such as the HTML docs).
// The docs also read the consumer manifests, so they are an input of the generator too.
import type { GeneratedFile } from "./banner.js";
import { emitDocs } from "./emit-docs.js";
import type { ContractModel } from "./load-spec.js";

type Step = (model: ContractModel) => Promise<GeneratedFile[]> | GeneratedFile[];

export function productionSteps(consumersDir: string): Step[] {
  return [(model) => emitDocs(model, consumersDir)];
}
