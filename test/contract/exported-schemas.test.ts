// The exported JSON Schemas (generated/schemas/) work outside this package: stock Ajv compiles them,
// and with stock ajv-formats they accept and reject the Python producers' messages as the package does.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Ajv } from "ajv";
import addFormatsPlugin from "ajv-formats";
import { describe, expect, it } from "vitest";
import { channels } from "../../generated/index.js";
import { requireAddress } from "../../src/contract/addresses.js";
import { checkRawMessage } from "../../src/contract/validate.js";
import { pythonWireCases } from "../support/python-wire.js";

const addFormats = addFormatsPlugin.default;
const schemaDir = resolve(import.meta.dirname, "../../generated/schemas");
const schemaFiles = readdirSync(schemaDir).filter((f) => f.endsWith(".schema.json"));
const readSchema = (file: string) => JSON.parse(readFileSync(join(schemaDir, file), "utf8")) as object;

/** What a service in another language does: its own Ajv with default options and stock ajv-formats. */
function stockValidator(messageName: string) {
  const ajv = new Ajv();
  addFormats(ajv);
  return ajv.compile(readSchema(`${messageName}.schema.json`));
}

describe("exported JSON Schemas", () => {
  it("has one schema per channel", () => {
    expect(schemaFiles.sort()).toEqual(
      Object.values(channels)
        .map((c) => `${c.messageName}.schema.json`)
        .sort(),
    );
  });

  it.each(schemaFiles)("%s compiles under default and strict Ajv options with stock ajv-formats", (file) => {
    for (const options of [{}, { strict: true }]) {
      const ajv = new Ajv(options);
      addFormats(ajv);
      expect(() => ajv.compile(readSchema(file))).not.toThrow();
    }
  });

  it.each(schemaFiles)("%s names its channel in standard annotations only", (file) => {
    const schema = readSchema(file) as Record<string, unknown>;
    expect(Object.keys(schema).filter((key) => key.startsWith("x-"))).toEqual([]);
    const channel = Object.values(channels).find((c) => `${c.messageName}.schema.json` === file);
    expect(schema.$comment).toContain(`channel ${channel?.address}`);
  });

  it.each(pythonWireCases.map((c) => [`${c.id} (${c.expect})`, c] as const))(
    "python-wire %s: stock Ajv agrees with the package",
    (_name, wireCase) => {
      const { channel, parameters } = requireAddress(wireCase.channel);
      const packageSays = checkRawMessage(channel, wireCase.wire, "tolerant", { parameters }).ok;
      let payload: unknown;
      try {
        payload = JSON.parse(wireCase.wire);
      } catch {
        expect(packageSays).toBe(false); // not JSON: no schema is ever consulted
        return;
      }
      const stockSays = stockValidator(channels[channel].messageName)(payload);
      expect(stockSays).toBe(packageSays);
      expect(stockSays).toBe(wireCase.expect === "valid");
    },
  );
});
