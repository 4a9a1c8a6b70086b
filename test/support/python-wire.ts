// The byte-exact messages the Python producers emit, copied from ../shared/fixtures/python-wire.
import { readFileSync } from "node:fs";

export interface PythonWireCase {
  id: string;
  /** The concrete address the message was published on. */
  channel: string;
  /** The message exactly as it went over the wire. */
  wire: string;
  expect: "valid" | "invalid";
  note: string;
}

export const pythonWireCases: PythonWireCase[] = readFileSync(
  new URL("../fixtures/python-wire/cases.jsonl", import.meta.url),
  "utf8",
)
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as PythonWireCase);
