// Part of step 1 of the generator: a channel's address parameters. Each takes its constraints from the
// payload field it points to, so the address and the payload can never disagree about a valid value.
import type { ChannelParameterInterface } from "@asyncapi/parser";
import { type ContractParameter, type JsonSchema, SpecError } from "./contract-model.js";

export interface ParameterContext {
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
export function toContractParameter(
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
export function assertAddressUsesOnlyDeclaredParameters(
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

function resolvePointer(schema: JsonSchema, pointer: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const segment of pointer.split("/").slice(1)) {
    const properties = node?.properties as Record<string, JsonSchema> | undefined;
    node = properties?.[segment];
  }
  return node;
}
