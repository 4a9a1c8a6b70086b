// Part of step 1 of the generator: the operations on a channel, each performed by one declared service.
import type { AsyncAPIDocumentInterface, ChannelInterface, OperationInterface } from "@asyncapi/parser";
import { type ContractOperation, SpecError } from "./contract-model.js";
import { stringField } from "./spec-fields.js";

/** The operations that use this channel, sorted by id for a stable emit order. */
export function operationsOn(
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
