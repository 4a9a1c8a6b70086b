// Emits generated/serializers.ts: one schema-aware serializer per message, precompiled by
// fast-json-stringify's standalone mode. A producer calls it only on a payload that passed the
// strict validator, so it writes exactly the contract's fields, in the spec's order.
import fastJsonStringify from "fast-json-stringify";
import { type GeneratedFile, tsBanner } from "./banner.js";
import { strictSchema } from "./emit-validators.js";
import type { ContractModel } from "./load-spec.js";

export function serializerName(messageName: string): string {
  return `serialize${messageName}`;
}

export function emitSerializers(model: ContractModel): GeneratedFile {
  const messages = [...new Map(model.channels.map((c) => [c.messageName, c])).values()].sort((a, b) =>
    a.messageName.localeCompare(b.messageName),
  );
  const bodies = messages.map((channel) => {
    const code = fastJsonStringify(strictSchema(channel.payloadSchema), {
      mode: "standalone",
    }) as unknown as string;
    // The standalone code is a CommonJS module body; each runs in its own scope with its own `module`.
    return `/** Serialises a ${channel.messageName} that passed the strict validator. */
export const ${serializerName(channel.messageName)}: (payload: ${channel.messageName}) => string = (() => {
  const module = { exports: {} as unknown };
${code.trim()}
  return module.exports;
})();`;
  });
  const typeNames = messages.map((c) => c.messageName).join(", ");
  const contents = `${tsBanner(model)}// @ts-nocheck -- fast-json-stringify's standalone output is plain JavaScript; each export is typed.
import { createRequire } from "node:module";
import type { ${typeNames} } from "./types.js";

const require = createRequire(import.meta.url);

${bodies.join("\n\n")}
`;
  return { path: "serializers.ts", contents };
}
