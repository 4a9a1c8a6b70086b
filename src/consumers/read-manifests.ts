// Reads every manifest of a directory (contracts/consumers/*.yaml), sorted by consumer.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ConsumerManifest } from "./manifest.js";
import { ManifestError, readManifest } from "./read-manifest.js";

export function readManifests(dir: string): ConsumerManifest[] {
  if (!existsSync(dir)) throw new ManifestError(dir, 1, 1, "no such directory of consumer manifests");
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => readManifest(join(dir, file)));
}
