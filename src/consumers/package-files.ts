// Where the package keeps its consumer manifests, their schema and its own contract: found upwards
// from this module, so that the same code works from src/ (tests) and dist/src/ (the installed package).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's root: the nearest directory above this module that holds contracts/consumers. */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "contracts", "consumers"))) return dir;
    if (dirname(dir) === dir) return here;
  }
}

export const defaultConsumersDir = (): string => join(packageRoot(), "contracts", "consumers");
export const manifestSchemaPath = (): string =>
  join(packageRoot(), "contracts", "consumer-manifest.schema.json");
export const packageSpecPath = (): string => join(packageRoot(), "asyncapi.yaml");
