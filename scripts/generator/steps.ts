// Emit steps that run only in the real `npm run generate` (slow ones, such as the HTML docs).
import type { GeneratedFile } from "./banner.js";
import { emitDocs } from "./emit-docs.js";
import type { ContractModel } from "./load-spec.js";

export const productionSteps: ((model: ContractModel) => Promise<GeneratedFile[]> | GeneratedFile[])[] = [
  emitDocs,
];
