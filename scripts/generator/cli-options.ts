// Command-line options shared by generate.ts and check-generated.ts: which spec, which consumer
// manifests (the docs show them), which output.
import { resolve } from "node:path";
import { parseArgs } from "node:util";

const root = resolve(import.meta.dirname, "../..");

export function generatorPaths(argv: string[]): { specPath: string; outDir: string; consumersDir: string } {
  const { values } = parseArgs({
    args: argv,
    options: { spec: { type: "string" }, out: { type: "string" }, consumers: { type: "string" } },
  });
  return {
    specPath: resolve(values.spec ?? resolve(root, "asyncapi.yaml")),
    outDir: resolve(values.out ?? resolve(root, "generated")),
    consumersDir: resolve(values.consumers ?? resolve(root, "contracts/consumers")),
  };
}
