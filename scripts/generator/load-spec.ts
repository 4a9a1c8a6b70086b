// Step 1 of the generator: parse asyncapi.yaml with @asyncapi/parser and reduce it to the
// ContractModel that every emit step reads. Anything the generator does not understand is a
// SpecError naming the spec path: nothing is skipped silently.

import type { AsyncAPIDocumentInterface, ChannelInterface, MessageInterface } from "@asyncapi/parser";
import { DiagnosticSeverity, Parser } from "@asyncapi/parser";
import {
  type ContractChannel,
  type ContractExample,
  type ContractModel,
  type JsonSchema,
  SpecError,
} from "./contract-model.js";
import { operationsOn } from "./load-operations.js";
import { assertAddressUsesOnlyDeclaredParameters, toContractParameter } from "./load-parameters.js";
import { stringField } from "./spec-fields.js";

// The model lives in contract-model.ts; importers of load-spec.ts keep finding it here.
export type {
  ContractChannel,
  ContractExample,
  ContractModel,
  ContractOperation,
  ContractParameter,
  JsonSchema,
} from "./contract-model.js";
export { SpecError } from "./contract-model.js";

export async function loadSpec(specText: string, specPath = "asyncapi.yaml"): Promise<ContractModel> {
  const parser = new Parser();
  const { document, diagnostics } = await parser.parse(specText, { source: specPath });
  const where = (d: (typeof diagnostics)[number]) =>
    `${d.range.start.line + 1}:${d.range.start.character + 1} (${d.path.join(".") || "document"})`;
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
  if (errors.length > 0 || !document) {
    const first = errors[0];
    const detail = errors.map((d) => `  ${where(d)} ${d.code}: ${d.message}`).join("\n");
    throw new SpecError(specPath, first ? where(first) : "", `the spec does not parse:\n${detail}`);
  }
  const warnings = diagnostics
    .filter((d) => d.severity === DiagnosticSeverity.Warning)
    .map((d) => `${specPath}:${where(d)} ${d.code}: ${d.message}`);

  const channels = document
    .channels()
    .all()
    .map((channel) => toContractChannel(channel, document, specPath))
    .sort((a, b) => a.address.localeCompare(b.address));
  if (channels.length === 0) throw new SpecError(specPath, "channels", "the spec defines no channel");

  return {
    title: document.info().title(),
    version: document.info().version(),
    document,
    channels,
    warnings,
  };
}

function toContractChannel(
  channel: ChannelInterface,
  document: AsyncAPIDocumentInterface,
  specPath: string,
): ContractChannel {
  const at = `channels.${channel.id()}`;
  const address = channel.address();
  if (!address) throw new SpecError(specPath, at, "a channel needs an address");
  // The checks run in spec order (message, payload, parameters, examples, operations), so the
  // first error reported is the first problem a reader of the spec meets.
  const message = onlyMessageOf(channel, at, specPath);
  const payloadSchema = objectPayloadSchemaOf(message, at, specPath);
  const parameters = channel
    .parameters()
    .all()
    .map((parameter) => toContractParameter(parameter, { address, payloadSchema, at, specPath }));
  assertAddressUsesOnlyDeclaredParameters(address, parameters, at, specPath);
  const examples = examplesOf(message, at, specPath);
  const operations = operationsOn(channel, document, specPath);

  return {
    id: channel.id(),
    address,
    title: stringField(channel.json(), "title") ?? address,
    description: (channel.description() ?? "").trim(),
    parameters,
    messageName: message.name() ?? message.id(),
    messageSummary: message.summary() ?? "",
    payloadSchema,
    examples,
    operations,
  };
}

/** One message per channel: the runtime maps a channel name to exactly one payload type. */
function onlyMessageOf(channel: ChannelInterface, at: string, specPath: string): MessageInterface {
  const messages = channel.messages().all();
  const message = messages[0];
  if (messages.length !== 1 || !message) {
    throw new SpecError(specPath, `${at}.messages`, "each channel must carry exactly one message");
  }
  return message;
}

/** The payload schema without parser annotations; it must be an object, since parameters point into it. */
function objectPayloadSchemaOf(message: MessageInterface, at: string, specPath: string): JsonSchema {
  const payload = message.payload();
  if (!payload) throw new SpecError(specPath, `${at}.messages`, "the message has no payload schema");
  const payloadSchema = stripParserKeys(payload.json()) as JsonSchema;
  if (payloadSchema.type !== "object") {
    throw new SpecError(specPath, `${at}.messages.${message.id()}.payload`, "a payload must be an object");
  }
  return payloadSchema;
}

/** At least two examples per message, so the contract tests see more than one shape of payload. */
function examplesOf(message: MessageInterface, at: string, specPath: string): ContractExample[] {
  const examples = message
    .examples()
    .all()
    .map((example, index) => ({
      name: example.name() ?? `example-${index + 1}`,
      summary: example.summary() ?? "",
      payload: example.payload(),
    }));
  if (examples.length < 2) {
    throw new SpecError(
      specPath,
      `${at}.messages.${message.id()}.examples`,
      "each message needs at least two examples",
    );
  }
  return examples;
}

/** Removes the parser's `x-parser-*` annotations, which Ajv's strict mode would reject. */
export function stripParserKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripParserKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !key.startsWith("x-parser-"))
        .map(([key, inner]) => [key, stripParserKeys(inner)]),
    );
  }
  return value;
}
