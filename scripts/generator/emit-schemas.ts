// Emits generated/schemas/<Message>.schema.json: each message's payload as a standalone JSON
// Schema (draft 7), for services written in other languages. Only standard keywords: the channel is
// named in `$comment`, so that any validator (a default `new Ajv()` included) compiles the file.
import { bannerText, type GeneratedFile } from "./banner.js";
import type { ContractModel } from "./load-spec.js";

export function emitSchemas(model: ContractModel): GeneratedFile[] {
  return model.channels.map((channel) => {
    const { description, ...rest } = channel.payloadSchema;
    const schema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: `urn:trading-platform:events:${channel.messageName}`,
      $comment: `${bannerText(model)}. The payload of channel ${channel.address}. Consumers accept unknown fields; producers must not send any.`,
      title: channel.messageName,
      description,
      ...rest,
    };
    return {
      path: `schemas/${channel.messageName}.schema.json`,
      contents: `${JSON.stringify(schema, null, 2)}\n`,
    };
  });
}
