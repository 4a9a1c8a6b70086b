// Renders generated/python/trading_platform_events/models.py (one Pydantic v2 model per message, fields
// in the spec's order so that model_dump_json() writes the services' bytes) and channels.py (the catalogue).
import { pyBanner } from "./emit-python.js";
import type { ContractChannel, ContractModel, JsonSchema } from "./load-spec.js";
import { pyLiteral, pythonField } from "./python-fields.js";

function docstring(text: string, indent: string): string {
  const escaped = text.trim().replace(/\\/g, "\\\\").replace(/"""/g, '\\"\\"\\"');
  return `${indent}"""${escaped.replace(/\n/g, `\n${indent}`)}"""`;
}

function modelClass(channel: ContractChannel, specPath: string): string {
  const schema = channel.payloadSchema;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const fields = Object.entries(properties).map(([name, fieldSchema]) => {
    const field = pythonField(fieldSchema, {
      message: channel.messageName,
      name,
      required: required.has(name),
      specPath,
    });
    return `    ${field.name}: ${field.annotation} = ${field.assignment}`;
  });
  return [
    `class ${channel.messageName}(ContractModel):`,
    docstring(String(schema.description ?? channel.messageSummary), "    "),
    "",
    ...fields,
  ].join("\n");
}

/** Where each name a model may use comes from; only the names the models use are imported. */
const IMPORTABLE: readonly [module: string, names: string[]][] = [
  ["datetime", ["datetime"]],
  ["decimal", ["Decimal"]],
  ["typing", ["Annotated", "Literal"]],
  ["", []], // third-party imports follow
  ["annotated_types", ["Interval", "Len"]],
  ["pydantic", ["Field", "StringConstraints"]],
  ["", []], // the package's own
  [".fields", ["date_text", "decimal_value", "not_null", "timestamp_text", "timestamp_value", "uuid_text"]],
  [".model", ["ContractModel", "is_none"]],
];

function importsFor(body: string): string {
  const lines = IMPORTABLE.map(([module, names]) => {
    if (module === "") return "";
    const used = names.filter((name) => new RegExp(`\\b${name}\\b`).test(body));
    return used.length === 0 ? undefined : `from ${module} import ${used.join(", ")}`;
  }).filter((line) => line !== undefined);
  return lines
    .join("\n")
    .replace(/^\n+|\n+$/g, "")
    .replace(/\n{3,}/g, "\n\n");
}

export function pythonModels(model: ContractModel, specPath = "asyncapi.yaml"): string {
  const classes = [...model.channels]
    .sort((a, b) => a.messageName.localeCompare(b.messageName))
    .map((channel) => modelClass(channel, specPath));
  const body = classes.join("\n\n\n");
  return `${pyBanner(model)}"""The contract's events as Pydantic v2 models, with the wire names and every constraint of the spec."""

${importsFor(body)}


${body}
`;
}

function channelEntry(channel: ContractChannel): string {
  const parameters = channel.parameters.map(
    (p) =>
      `ChannelParameter(name=${pyLiteral(p.name)}, payload_field=${pyLiteral(p.payloadPointer.slice(1))}, pattern=${pyLiteral(p.pattern)}, min_length=${p.minLength}, max_length=${p.maxLength})`,
  );
  return `    ${pyLiteral(channel.address)}: Channel(
        address=${pyLiteral(channel.address)},
        message=${pyLiteral(channel.messageName)},
        model=${channel.messageName},
        parameters=(${parameters.map((p) => `${p},`).join(" ")}),
        payload_schema=${pyLiteral(channel.payloadSchema)},
    ),`;
}

export function pythonChannels(model: ContractModel): string {
  const messages = [...new Set(model.channels.map((c) => c.messageName))].sort();
  return `${pyBanner(model)}"""The channel catalogue: each channel's address, parameters, message model and payload schema."""

from collections.abc import Mapping
from typing import Final

from .catalogue import Channel, ChannelParameter
from .models import ${messages.join(", ")}

CONTRACT_VERSION: Final = ${pyLiteral(model.version)}
"""The version of asyncapi.yaml these models were generated from."""

CHANNELS: Final[Mapping[str, Channel]] = {
${model.channels.map(channelEntry).join("\n")}
}
"""Every channel, by its address as the spec writes it (\`price.updated.{symbol}\`)."""
`;
}

/** The model as the docs show it beside the TypeScript type: each field's name, type and default, no descriptions. */
export function pythonModelSummary(channel: ContractChannel, specPath = "asyncapi.yaml"): string {
  const schema = channel.payloadSchema;
  const required = new Set((schema.required ?? []) as string[]);
  const lines = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(
    ([name, fieldSchema]) => {
      const field = pythonField(fieldSchema, {
        message: channel.messageName,
        name,
        required: required.has(name),
        specPath,
      });
      const fallback = /\bdefault=([^,)]+)/.exec(field.assignment)?.[1];
      return `    ${name}: ${field.annotation}${fallback === undefined ? "" : ` = ${fallback}`}`;
    },
  );
  return [`class ${channel.messageName}(ContractModel):`, ...lines].join("\n");
}
