// Emits generated/python/: the Python package trading_platform_events. The models, the channel catalogue
// and the code table are written from the contract; the runtime modules (wire helpers, exact format
// checks, error mapping) are the Python sources in scripts/generator/python/, copied with the banner.
// Why not Modelina's PythonGenerator: see "Decisions recorded" in the README.
import { readFileSync } from "node:fs";
import { bannerText, type GeneratedFile } from "./banner.js";
import type { ContractModel } from "./load-spec.js";
import { pyLiteral } from "./python-fields.js";
import { pythonChannels, pythonModels } from "./python-models.js";
import {
  formatCodes,
  naiveDateTimePattern,
  patternCodes,
  signedDecimalPattern,
  typeWords,
  violationSentences,
} from "./violation-codes.js";

export const PYTHON_PACKAGE = "trading_platform_events";
const RUNTIME_MODULES = [
  "catalogue",
  "errors",
  "fields",
  "formats",
  "happy_path",
  "model",
  "pydantic_errors",
  "wire",
];

export function pyBanner(model: ContractModel): string {
  return `# ${bannerText(model)}\n`;
}

export function emitPython(model: ContractModel): GeneratedFile[] {
  const at = (file: string) => `python/${PYTHON_PACKAGE}/${file}`;
  const runtime = RUNTIME_MODULES.map((name) => ({
    path: at(`${name}.py`),
    contents: pyBanner(model) + readFileSync(new URL(`./python/${name}.py`, import.meta.url), "utf8"),
  }));
  return [
    ...runtime,
    { path: at("codes.py"), contents: codesModule(model) },
    { path: at("models.py"), contents: pythonModels(model) },
    { path: at("channels.py"), contents: pythonChannels(model) },
    { path: at("__init__.py"), contents: initModule(model) },
    { path: at("py.typed"), contents: pyBanner(model) }, // PEP 561 reads only a "partial" line
    { path: "python/pyproject.toml", contents: pyproject(model) },
  ];
}

function codesModule(model: ContractModel): string {
  const table = (name: string, doc: string, value: unknown) =>
    `${name}: Final[Mapping[str, str]] = ${pyLiteral(value)}\n"""${doc}"""\n`;
  return `${pyBanner(model)}"""The violation codes and their sentences: the same table as generated/violations.ts."""

from collections.abc import Mapping
from typing import Final

${table("VIOLATION_SENTENCES", "Every violation code with its sentence; `{name}` is filled in per case.", violationSentences)}
${table("PATTERN_CODES", "The code a value gets when it fails one of the contract's patterns, by pattern source.", patternCodes)}
${table("FORMAT_CODES", "The code a value gets when it fails a format.", formatCodes)}
${table("TYPE_WORDS", "How `type.mismatch` names each JSON type.", typeWords)}
NAIVE_DATE_TIME_PATTERN: Final = ${pyLiteral(naiveDateTimePattern)}
"""A date-time that lacks only its offset (\`timestamp.naive\`)."""

SIGNED_DECIMAL_PATTERN: Final = ${pyLiteral(signedDecimalPattern)}
"""A decimal of either sign: failing zero-or-more but matching this is \`decimal.negative\`."""
`;
}

function initModule(model: ContractModel): string {
  const messages = [...new Set(model.channels.map((c) => c.messageName))].sort();
  const exported = [
    ...messages,
    "to_wire",
    "from_wire",
    "ContractError",
    "Violation",
    "CHANNELS",
    "CONTRACT_VERSION",
    "Channel",
    "ChannelParameter",
    "ContractModel",
    "DEFAULT_MAX_MESSAGE_BYTES",
    "VIOLATION_SENTENCES",
    "resolve_address",
  ];
  return `${pyBanner(model)}"""${model.title}: Pydantic v2 models of the contract's events and the wire helpers.

Producers build an event as before and publish \`to_wire(address, event)\`; consumers read
\`from_wire(address, data)\`. Both raise ContractError, listing every violation.
"""

from .catalogue import Channel, ChannelParameter
from .channels import CHANNELS, CONTRACT_VERSION
from .codes import VIOLATION_SENTENCES
from .errors import ContractError, Violation
from .model import ContractModel
from .models import ${messages.join(", ")}
from .wire import DEFAULT_MAX_MESSAGE_BYTES, from_wire, resolve_address, to_wire

__version__ = ${JSON.stringify(model.version)}

__all__ = [
${exported.map((name) => `    ${JSON.stringify(name)},`).join("\n")}
]
`;
}

function pyproject(model: ContractModel): string {
  return `${pyBanner(model)}
[build-system]
requires = ["setuptools>=61", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "trading-platform-events"
version = ${JSON.stringify(model.version)}
description = "Pydantic v2 models and wire helpers for the trading platform's Redis pub/sub events, generated from asyncapi.yaml"
requires-python = ">=3.10"
dependencies = ["pydantic>=2.11,<3"]

[tool.setuptools]
packages = ["${PYTHON_PACKAGE}"]

[tool.setuptools.package-data]
${PYTHON_PACKAGE} = ["py.typed"]
`;
}
