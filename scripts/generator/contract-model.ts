// The ContractModel that the generator's load step produces and every emit step reads, and the
// SpecError that names the spec path of anything the generator does not understand.
import type { AsyncAPIDocumentInterface } from "@asyncapi/parser";

export type JsonSchema = { [keyword: string]: unknown };

export interface ContractParameter {
  name: string;
  description: string;
  /** JSON pointer into the payload that holds the parameter's value (`/symbol`). */
  payloadPointer: string;
  pattern: string;
  minLength: number;
  maxLength: number;
}

export interface ContractExample {
  name: string;
  summary: string;
  payload: unknown;
}

export interface ContractOperation {
  id: string;
  action: "send" | "receive";
  title: string;
  description: string;
  /** The service that performs it: the operation's one tag, declared in components.tags. */
  service: string;
}

export interface ContractChannel {
  id: string;
  address: string;
  title: string;
  description: string;
  parameters: ContractParameter[];
  messageName: string;
  messageSummary: string;
  /** The payload schema with every `x-parser-*` key removed. */
  payloadSchema: JsonSchema;
  examples: ContractExample[];
  operations: ContractOperation[];
}

export interface ContractModel {
  title: string;
  version: string;
  /** The parsed document, for Modelina and the docs renderer. */
  document: AsyncAPIDocumentInterface;
  /** Channels sorted by address, so that every emitted file has a stable order. */
  channels: ContractChannel[];
  warnings: string[];
}

export class SpecError extends Error {
  override readonly name = "SpecError";
  constructor(
    readonly specPath: string,
    readonly location: string,
    message: string,
  ) {
    super(`${specPath}${location ? `:${location}` : ""}: ${message}`);
  }
}
