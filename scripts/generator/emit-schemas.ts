// Emits generated/schemas/<Message>.schema.json: each message's payload as a standalone JSON
// Schema (draft 7), for services written in other languages.
import { bannerText, type GeneratedFile } from "./banner.js";
import type { ContractModel } from "./load-spec.js";

export function emitSchemas(model: ContractModel): GeneratedFile[] {
  return model.channels.map((channel) => {
    const { description, ...rest } = channel.payloadSchema;
    const schema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: `urn:trading-platform:events:${channel.messageName}`,
      $comment: `${bannerText(model)}. Consumers accept unknown fields; producers must not send any.`,
      title: channel.messageName,
      description,
      "x-channel": channel.address,
      ...rest,
    };
    return {
      path: `schemas/${channel.messageName}.schema.json`,
      contents: `${JSON.stringify(schema, null, 2)}\n`,
    };
  });
}
