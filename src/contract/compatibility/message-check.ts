// The rules checked against real messages: every example and every given message (the python-wire
// fixtures) is run through validators compiled at run time from both specs, in both views. A message
// that one side's producers may send and the other side's consumers refuse is breaking, whatever the
// rules concluded; so is a message real producers send today that consumers stop accepting.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";
import { type ChannelPart, contractParts } from "./contract-parts.js";
import { type Finding, finding } from "./findings.js";
import { rfc3339DateTime } from "./rfc3339.js";
import { dereference, isObject, type Json, type SpecDocument } from "./spec-document.js";

// ajv-formats is CommonJS; under ESM its default export sits one level down.
const addFormats = addFormatsPlugin.default;

/** A message to judge both contracts by. */
export interface WitnessMessage {
  /** Where it comes from, e.g. `python-wire price-from-quote`. */
  readonly label: string;
  /** The concrete address it travels on (`price.updated.AAPL`) or a channel's address (`price.updated.{symbol}`). */
  readonly address: string;
  readonly payload: unknown;
  /** Sent by real producers today: consumers that accepted it must go on accepting it. */
  readonly inCirculation: boolean;
}

interface ChannelValidators {
  readonly channel: ChannelPart;
  readonly strict: ValidateFunction;
  readonly tolerant: ValidateFunction;
}

/** The producer's view: every object schema without `additionalProperties` closed (as the generator does). */
function closeObjects(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!isObject(schema)) return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closeObjects(v)]));
  if (copy.type === "object" && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

// Compiled once per document: the diff and the consumer check judge the same documents.
const compiled = new WeakMap<SpecDocument, ChannelValidators[]>();

export function compileValidators(doc: SpecDocument): ChannelValidators[] {
  const known = compiled.get(doc);
  if (known) return known;
  const validators = compileAll(doc);
  compiled.set(doc, validators);
  return validators;
}

function compileAll(doc: SpecDocument): ChannelValidators[] {
  // strict: false: a released spec may hold keywords or annotations Ajv's strict mode would refuse.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv, { mode: "full" });
  ajv.addFormat("date-time", { type: "string", validate: rfc3339DateTime });
  return [...contractParts(doc).channels.values()].flatMap((channel) => {
    const message = [...channel.messages.values()][0];
    if (!message?.payload) return [];
    const schema = dereference(doc, message.payload);
    return [
      {
        channel,
        strict: ajv.compile(closeObjects(schema) as object),
        tolerant: ajv.compile(schema as object),
      },
    ];
  });
}

function addressPattern(address: string): RegExp {
  const literals = address.split(/\{[^}]*\}/).map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&"));
  return new RegExp(`^${literals.join("(.+)")}$`, "s");
}

function validatorsFor(all: ChannelValidators[], address: string): ChannelValidators | undefined {
  return (
    all.find((v) => v.channel.address === address) ??
    all.find((v) => addressPattern(v.channel.address).test(address))
  );
}

const firstReason = (errors: ErrorObject[] | null | undefined) => {
  const error = errors?.[0];
  return error ? `${error.instancePath || "/"} ${error.message ?? error.keyword}` : "invalid";
};

/** The examples of both specs as witnesses: the old ones are what producers of the old contract send. */
export function exampleWitnesses(doc: SpecDocument, inCirculation: boolean, side: string): WitnessMessage[] {
  return [...contractParts(doc).channels.values()].flatMap((channel) =>
    [...channel.messages.values()].flatMap((message) =>
      message.examples.map((example) => ({
        label: `the ${side} example ${message.name}/${example.label} (${doc.source}#${example.pointer})`,
        address: channel.address,
        payload: example.payload,
        inCirculation,
      })),
    ),
  );
}

export function checkMessages(
  oldDoc: SpecDocument,
  newDoc: SpecDocument,
  witnesses: readonly WitnessMessage[],
): Finding[] {
  const before = compileValidators(oldDoc);
  const after = compileValidators(newDoc);
  const findings: Finding[] = [];
  for (const witness of witnesses) {
    const old = validatorsFor(before, witness.address);
    const now = validatorsFor(after, witness.address);
    if (!old || !now) continue; // a channel on one side only: the channel rules report it
    const at = {
      pointer: now.channel.located.pointer,
      spec: "new" as const,
      channel: now.channel.address,
      kind: "message-rejected",
    };
    const oldTolerant = old.tolerant(witness.payload);
    const newTolerant = now.tolerant(witness.payload);
    if (now.strict(witness.payload) && !oldTolerant) {
      findings.push(
        finding({
          ...at,
          breaks: ["backward"],
          reason: `${witness.label} is valid for producers of the new contract, but consumers of the old one refuse it (${firstReason(old.tolerant.errors)})`,
        }),
      );
    }
    if (old.strict(witness.payload) && !newTolerant) {
      findings.push(
        finding({
          ...at,
          breaks: ["forward"],
          reason: `${witness.label} is valid for producers of the old contract, but consumers of the new one refuse it (${firstReason(now.tolerant.errors)})`,
        }),
      );
    } else if (witness.inCirculation && oldTolerant && !newTolerant) {
      findings.push(
        finding({
          ...at,
          breaks: ["forward"],
          reason: `${witness.label}, which real producers send and consumers of the old contract accept, is refused by consumers of the new one (${firstReason(now.tolerant.errors)})`,
        }),
      );
    }
  }
  return findings;
}
