// The contract's JSON Schemas compiled by Ajv at run time, the way a consumer without the generated
// validators would use them: the baseline that shows what standalone (precompiled) code saves.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";
import { type ChannelName, channelNames, channels } from "../generated/index.js";
import { strictSchema } from "../scripts/generator/emit-validators.js";
import { repoRoot } from "./support/paths.js";

// ajv-formats is CommonJS; under ESM its default export sits one level down.
const addFormats = addFormatsPlugin.default;

/** Compiles generated/schemas/<Message>.schema.json per channel, closed like the producer's (strict) view. */
export function compileRuntimeValidators(): Record<ChannelName, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  ajv.addKeyword("x-channel"); // the schema files name their channel; an annotation, not a check
  const compiled = {} as Record<ChannelName, ValidateFunction>;
  for (const channel of channelNames) {
    const file = path.join(repoRoot, "generated", "schemas", `${channels[channel].messageName}.schema.json`);
    const { $schema: _, ...schema } = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    compiled[channel] = ajv.compile(strictSchema(schema));
  }
  return compiled;
}
