// Emits generated/channels.ts: the channel catalogue as plain data (address, parameters,
// message, validators, examples), the `ChannelPayloads` map that types the runtime, and per
// channel the pure address helpers `buildAddress` and `parseAddress`.
import { type GeneratedFile, tsBanner } from "./banner.js";
import { serializerName } from "./emit-serializers.js";
import { validatorName } from "./emit-validators.js";
import type { ContractChannel, ContractModel } from "./load-spec.js";

const json = (value: unknown) => JSON.stringify(value, null, 2);
const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** `price.updated.{symbol}` → `` `price.updated.${string}` ``: every concrete address of the channel. */
function addressType(channel: ContractChannel): string {
  if (channel.parameters.length === 0) return JSON.stringify(channel.address);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: emits a template literal type
  return `\`${channel.address.replace(/[`\\]/g, "\\$&").replace(/\{[^}]*\}/g, "${string}")}\``;
}

/** Top-level payload fields with `format: date-time`: a producer may give them as a `Date`. */
function dateTimeFields(channel: ContractChannel): string[] {
  const properties = (channel.payloadSchema.properties ?? {}) as Record<string, { format?: unknown }>;
  return Object.keys(properties)
    .filter((name) => properties[name]?.format === "date-time")
    .sort();
}

function parametersType(channel: ContractChannel): string {
  if (channel.parameters.length === 0) return "Record<string, never>";
  return `{ ${channel.parameters.map((p) => `${p.name}: string`).join("; ")} }`;
}

const patternConstant = (channel: ContractChannel, name: string) => `${channel.id}_${name}_pattern`;
const addressConstant = (channel: ContractChannel) => `${channel.id}_address_pattern`;

/** Module-level regular expressions, compiled once rather than on every parse. */
function patternConstants(channel: ContractChannel): string[] {
  if (channel.parameters.length === 0) return [];
  let source = "^";
  for (const part of channel.address.split(/(\{[^}]*\})/)) {
    source += part.startsWith("{") ? "(.+)" : escapeRegExp(part);
  }
  source += "$";
  return [
    `const ${addressConstant(channel)} = /${source}/su;`,
    ...channel.parameters.map(
      (p) => `const ${patternConstant(channel, p.name)} = new RegExp(${json(p.pattern)}, "u");`,
    ),
  ];
}

function addressHelpers(channel: ContractChannel): string {
  const paramsType = parametersType(channel);
  if (channel.parameters.length === 0) {
    return [
      `buildAddress: (_parameters: ${paramsType} = {}): string | undefined => ${JSON.stringify(channel.address)},`,
      `parseAddress: (address: string): ${paramsType} | undefined => (address === ${JSON.stringify(channel.address)} ? {} : undefined),`,
    ].join("\n");
  }
  // One capture group per parameter; each captured value must then pass its own pattern.
  const checks = channel.parameters
    .map(
      (p) =>
        `isValidParameter(parameters.${p.name}, ${patternConstant(channel, p.name)}, ${p.minLength}, ${p.maxLength})`,
    )
    .join(" && ");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: emits a template literal
  const template = `\`${channel.address.replace(/\{([^}]*)\}/g, "${parameters.$1}")}\``;
  const captured = channel.parameters.map((p, i) => `${p.name}: match[${i + 1}] ?? ""`).join(", ");
  return [
    `buildAddress: (parameters: ${paramsType}): string | undefined =>`,
    `  ${checks} ? ${template} : undefined,`,
    `parseAddress: (address: string): ${paramsType} | undefined => {`,
    `  const match = ${addressConstant(channel)}.exec(address);`,
    "  if (!match) return undefined;",
    `  const parameters = { ${captured} };`,
    `  return ${checks} ? parameters : undefined;`,
    "},",
  ].join("\n");
}

function channelEntry(channel: ContractChannel): string {
  const parameters = channel.parameters.map((p) => ({
    name: p.name,
    description: p.description,
    payloadPointer: p.payloadPointer,
    pattern: p.pattern,
    minLength: p.minLength,
    maxLength: p.maxLength,
  }));
  const body = [
    `id: ${json(channel.id)},`,
    `address: ${json(channel.address)},`,
    `title: ${json(channel.title)},`,
    `description: ${json(channel.description)},`,
    `messageName: ${json(channel.messageName)},`,
    `parameters: ${json(parameters)},`,
    `dateTimeFields: ${json(dateTimeFields(channel))},`,
    `operations: ${json(channel.operations.map((o) => ({ id: o.id, action: o.action, title: o.title, service: o.service })))},`,
    `validateStrict: ${validatorName(channel.messageName, "strict")},`,
    `validateTolerant: ${validatorName(channel.messageName, "tolerant")},`,
    `serialize: ${serializerName(channel.messageName)},`,
    `examples: ${json(channel.examples)} satisfies ContractExample<${channel.messageName}>[],`,
    addressHelpers(channel),
  ].join("\n");
  return `${json(channel.address)}: {\n  ${indent(body, "  ")}\n},`;
}

export function emitChannels(model: ContractModel): GeneratedFile {
  const typeNames = [...new Set(model.channels.map((c) => c.messageName))].sort();
  const validators = model.channels
    .flatMap((c) => [validatorName(c.messageName, "strict"), validatorName(c.messageName, "tolerant")])
    .sort();
  const serializers = [...new Set(model.channels.map((c) => serializerName(c.messageName)))].sort();
  const payloadLines = model.channels.map((c) => `  ${json(c.address)}: ${c.messageName};`).join("\n");
  const addressLines = model.channels.map((c) => `  ${json(c.address)}: ${addressType(c)};`).join("\n");
  const parameterLines = model.channels.map((c) => `  ${json(c.address)}: ${parametersType(c)};`).join("\n");
  const dateTimeLines = model.channels
    .map(
      (c) =>
        `  ${json(c.address)}: ${
          dateTimeFields(c)
            .map((f) => json(f))
            .join(" | ") || "never"
        };`,
    )
    .join("\n");
  const needsParameterCheck = model.channels.some((c) => c.parameters.length > 0);

  const contents = `${tsBanner(model)}
import { ${serializers.join(", ")} } from "./serializers.js";
import type { ${typeNames.join(", ")} } from "./types.js";
import { ${validators.join(", ")} } from "./validators.js";

/** The contract version: \`info.version\` of asyncapi.yaml, equal to the package version. */
export const contractVersion = ${json(model.version)};

/** Each channel's payload type, keyed by the channel's address as written in the spec. */
export interface ChannelPayloads {
${payloadLines}
}

/** A channel of the contract, by its address as written in the spec (\`price.updated.{symbol}\`). */
export type ChannelName = keyof ChannelPayloads;

/** Each channel's concrete addresses, as a publisher or subscriber names them on Redis. */
export interface ChannelAddresses {
${addressLines}
}

/** The parameters in each channel's address. */
export interface ChannelParameters {
${parameterLines}
}

/** Each channel's RFC 3339 date-time fields, which producers may also give as a \`Date\`. */
export interface ChannelDateTimeFields {
${dateTimeLines}
}

/** An example payload from the spec. */
export interface ContractExample<T> {
  name: string;
  summary: string;
  payload: T;
}
${
  needsParameterCheck
    ? `
function isValidParameter(value: string, pattern: RegExp, minLength: number, maxLength: number): boolean {
  const length = [...value].length;
  return length >= minLength && length <= maxLength && pattern.test(value);
}

${model.channels.flatMap(patternConstants).join("\n")}
`
    : ""
}
/** The channel catalogue: everything the runtime needs to know about each channel, as data. */
export const channels = {
  ${indent(model.channels.map(channelEntry).join("\n"), "  ")}
} as const;

/** Every channel name, sorted. */
export const channelNames = Object.keys(channels) as ChannelName[];
`;
  return { path: "channels.ts", contents };
}
