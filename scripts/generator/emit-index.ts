// Emits generated/index.ts: one entry point to everything generated.
import { type GeneratedFile, tsBanner } from "./banner.js";
import type { ContractModel } from "./load-spec.js";

export function emitIndex(model: ContractModel): GeneratedFile {
  const contents = `${tsBanner(model)}
export * from "./channels.js";
export * from "./serializers.js";
export type * from "./types.js";
export * from "./validators.js";
export * from "./violations.js";
`;
  return { path: "index.ts", contents };
}
