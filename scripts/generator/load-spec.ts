// Step 1 of the generator: parse asyncapi.yaml with @asyncapi/parser and reduce it to the
// ContractModel that every emit step reads. Anything the generator does not understand is a
// SpecError naming the spec path: nothing is skipped silently.

import type {
  AsyncAPIDocumentInterface,
  ChannelInterface,
  ChannelParameterInterface,
  MessageInterface,
  OperationInterface,
} from "@asyncapi/parser";
import { DiagnosticSeverity, Parser } from "@asyncapi/parser";

import {
  type ContractChannel,
  type ContractExample,
  type ContractModel,
  type ContractOperation,
  type ContractParameter,
  type JsonSchema,
  SpecError,
} from "./contract-model.js";

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

interface ParameterContext {
  readonly address: string;
  readonly payloadSchema: JsonSchema;
  /** The channel's spec path (`channels.<id>`). */
  readonly at: string;
  readonly specPath: string;
}

const PAYLOAD_LOCATION_PREFIX = "$message.payload#";

/**
 * A parameter takes its constraints from the payload field it points to, so the address and the
 * payload can never disagree about what a valid value is.
 */
function toContractParameter(
  parameter: ChannelParameterInterface,
  context: ParameterContext,
): ContractParameter {
  const { address, payloadSchema, at, specPath } = context;
  const paramAt = `${at}.parameters.${parameter.id()}`;
  const location = parameter.location();
  if (!location?.startsWith(PAYLOAD_LOCATION_PREFIX)) {
    throw new SpecError(
      specPath,
      paramAt,
      "a parameter needs `location: $message.payload#/<field>` so that its constraints come from the payload schema",
    );
  }
  const payloadPointer = location.slice(PAYLOAD_LOCATION_PREFIX.length);
  const field = resolvePointer(payloadSchema, payloadPointer);
  if (field?.type !== "string" || typeof field.pattern !== "string") {
    throw new SpecError(
      specPath,
      paramAt,
      `location ${location} must point to a string field with a pattern`,
    );
  }
  if (!isRequiredTopLevelField(payloadSchema, payloadPointer)) {
    throw new SpecError(specPath, paramAt, `location ${location} must point to a required field`);
  }
  if (typeof field.maxLength !== "number") {
    throw new SpecError(specPath, paramAt, `location ${location} must point to a field with a maxLength`);
  }
  if (!address.includes(`{${parameter.id()}}`)) {
    throw new SpecError(specPath, paramAt, `the address ${address} has no {${parameter.id()}}`);
  }
  return {
    name: parameter.id(),
    description: (parameter.description() ?? "").trim(),
    payloadPointer,
    pattern: field.pattern,
    minLength: typeof field.minLength === "number" ? field.minLength : 0,
    maxLength: field.maxLength,
  };
}

// A parameter's value must always be present, or the address could not be built from the payload.
function isRequiredTopLevelField(payloadSchema: JsonSchema, payloadPointer: string): boolean {
  return Array.isArray(payloadSchema.required) && payloadSchema.required.includes(payloadPointer.slice(1));
}

/** Every `{name}` in the address needs a declared parameter, or nothing would constrain its value. */
function assertAddressUsesOnlyDeclaredParameters(
  address: string,
  parameters: readonly ContractParameter[],
  at: string,
  specPath: string,
): void {
  for (const [, name] of address.matchAll(/\{([^}]*)\}/g)) {
    if (!parameters.some((p) => p.name === name)) {
      throw new SpecError(
        specPath,
        at,
        `the address ${address} uses {${name}}, which is not a declared parameter`,
      );
    }
  }
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

/** The operations that use this channel, sorted by id for a stable emit order. */
function operationsOn(
  channel: ChannelInterface,
  document: AsyncAPIDocumentInterface,
  specPath: string,
): ContractOperation[] {
  return document
    .operations()
    .all()
    .filter((operation) =>
      operation
        .channels()
        .all()
        .some((c) => c.id() === channel.id()),
    )
    .map((operation) => toContractOperation(operation, document, specPath))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function toContractOperation(
  operation: OperationInterface,
  document: AsyncAPIDocumentInterface,
  specPath: string,
): ContractOperation {
  const action = operation.action();
  if (action !== "send" && action !== "receive") {
    throw new SpecError(specPath, `operations.${operation.id()}`, `unknown action ${String(action)}`);
  }
  const id = operation.id() ?? "";
  return {
    id,
    action,
    title: stringField(operation.json(), "title") ?? id,
    description: (operation.description() ?? "").trim(),
    service: serviceOf(operation, document, specPath),
  };
}

const SERVICE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The one tag of an operation names the service performing it; it must be declared in components.tags. */
function serviceOf(
  operation: OperationInterface,
  document: AsyncAPIDocumentInterface,
  specPath: string,
): string {
  const at = `operations.${operation.id()}.tags`;
  const tags = operation.tags().all();
  const tag = tags[0];
  if (tags.length !== 1 || !tag) {
    throw new SpecError(specPath, at, "each operation needs exactly one tag: the service that performs it");
  }
  const name = tag.name();
  if (!SERVICE_ID.test(name)) {
    throw new SpecError(specPath, at, `the service ${JSON.stringify(name)} must be a kebab-case id`);
  }
  const components = document.json().components as { tags?: Record<string, { name?: unknown }> } | undefined;
  const componentTags = components?.tags ?? {};
  const declared = Object.values(componentTags).some((t) => t.name === name);
  if (!declared) {
    throw new SpecError(specPath, at, `the service ${name} is not declared in components.tags`);
  }
  return name;
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

function resolvePointer(schema: JsonSchema, pointer: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const segment of pointer.split("/").slice(1)) {
    const properties = node?.properties as Record<string, JsonSchema> | undefined;
    node = properties?.[segment];
  }
  return node;
}

function stringField(json: unknown, key: string): string | undefined {
  const value = (json as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}
