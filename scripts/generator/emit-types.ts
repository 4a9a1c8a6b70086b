// Emits generated/types.ts: one exported TypeScript type per schema, from @asyncapi/modelina.
// Property names stay exactly as on the wire, and no `additionalProperties` map is added.
import { TS_DESCRIPTION_PRESET, TypeScriptGenerator } from "@asyncapi/modelina";
import { type GeneratedFile, tsBanner } from "./banner.js";
import { type ContractModel, SpecError } from "./load-spec.js";

export async function emitTypes(model: ContractModel): Promise<GeneratedFile> {
  const generator = new TypeScriptGenerator({
    modelType: "interface",
    enumType: "union",
    // Keep `strategy_id` and `symbol` as they are: without this Modelina camel-cases names and
    // renames reserved words (`symbol` becomes `reservedSymbol`).
    rawPropertyNames: true,
    presets: [TS_DESCRIPTION_PRESET],
    processorOptions: { interpreter: { ignoreAdditionalProperties: true } },
  });
  const models = await generator.generate(model.document as never);
  const declarations = models
    .map((m) => {
      if (!m.modelName || /^Anonymous/i.test(m.modelName)) {
        throw new SpecError(
          "asyncapi.yaml",
          "components.schemas",
          `Modelina produced an unnamed type (${m.modelName}): give the schema a name under components.schemas`,
        );
      }
      if (/additionalProperties|reserved[A-Z]/.test(m.result)) {
        throw new SpecError(
          "asyncapi.yaml",
          `components.schemas.${m.modelName}`,
          "a type was renamed or widened",
        );
      }
      const exported = m.result.trim().replace(/^(interface|type) /m, "export $1 ");
      return { name: m.modelName, code: exported };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const channel of model.channels) {
    if (!declarations.some((d) => d.name === channel.messageName)) {
      throw new SpecError(
        "asyncapi.yaml",
        `channels.${channel.id}`,
        `no type was generated for ${channel.messageName}: name its payload schema after the message`,
      );
    }
  }
  const contents = `${tsBanner(model)}\n${declarations.map((d) => d.code).join("\n\n")}\n`;
  return { path: "types.ts", contents };
}
