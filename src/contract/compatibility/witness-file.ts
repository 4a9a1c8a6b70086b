// Reads recorded messages (the python-wire fixture format, one JSON object a line:
// `{"id", "channel", "wire", "expect"}`) as witnesses for the real-message check.
import { readFileSync } from "node:fs";
import type { WitnessMessage } from "./message-check.js";
import { SpecDocumentError } from "./spec-document.js";

export function readWitnessFile(path: string): WitnessMessage[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SpecDocumentError(path, "", `cannot be read (${(error as Error).message})`);
  }
  return parseWitnessLines(text, path);
}

export function parseWitnessLines(text: string, source: string): WitnessMessage[] {
  return text.split("\n").flatMap((line, index) => {
    if (line.trim() === "") return [];
    let record: { id?: unknown; channel?: unknown; wire?: unknown; expect?: unknown };
    try {
      record = JSON.parse(line);
    } catch {
      throw new SpecDocumentError(source, "", `line ${index + 1} is not JSON`);
    }
    if (typeof record.channel !== "string" || typeof record.wire !== "string") {
      throw new SpecDocumentError(source, "", `line ${index + 1} needs "channel" and "wire" strings`);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(record.wire);
    } catch {
      return []; // bytes that are not JSON never reach a schema: nothing to compare
    }
    const label = `${source} ${typeof record.id === "string" ? record.id : `line ${index + 1}`}`;
    // Only messages recorded as valid are what producers really send (the others are counter-examples).
    return [{ label, address: record.channel, payload, inCirculation: record.expect === "valid" }];
  });
}
