// The consumer check for the docs: each manifest checked against the contract the generator
// loaded, rebuilt as a small AsyncAPI document (addresses, parameters, payloads, examples), so
// that the docs show exactly what `trading-events consumers` reports for this spec.

import {
  type ConsumerManifest,
  type ConsumerReport,
  checkConsumer,
  contractChannels,
  ManifestError,
  readManifests,
} from "../../src/consumers/index.js";
import type { JsonObject } from "../../src/contract/compatibility/spec-document.js";
import { type ContractModel, SpecError } from "./contract-model.js";

export function consumerReports(
  model: ContractModel,
  manifests: readonly ConsumerManifest[],
): ConsumerReport[] {
  const channels = Object.fromEntries(
    model.channels.map((c) => [
      c.id,
      {
        address: c.address,
        parameters: Object.fromEntries(
          c.parameters.map((p) => [p.name, { location: `$message.payload#${p.payloadPointer}` }]),
        ),
        messages: {
          [c.messageName]: {
            payload: c.payloadSchema,
            examples: c.examples.map((e) => ({ name: e.name, payload: e.payload })),
          },
        },
      },
    ]),
  );
  const root = { asyncapi: "3.0.0", info: { version: model.version }, channels } as unknown as JsonObject;
  const contract = contractChannels({ source: "the generator's model", root, version: model.version });
  return manifests.map((manifest) => checkConsumer(manifest, contract));
}

/** The manifests of a directory; a malformed one fails the generator with its file and line. */
export function readManifestsForDocs(dir: string): ConsumerManifest[] {
  try {
    return readManifests(dir);
  } catch (error) {
    if (error instanceof ManifestError)
      throw new SpecError(error.file, `${error.line}:${error.column}`, error.detail);
    throw error;
  }
}
