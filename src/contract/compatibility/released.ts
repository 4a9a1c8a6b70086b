// Released contracts are kept as files, `contracts/released/<version>.yaml`, each a byte copy of
// asyncapi.yaml as it was released. This module finds them and reads a spec by path or version.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";
import { parseSpecDocument, type SpecDocument, SpecDocumentError } from "./spec-document.js";

/** The package's `contracts/released` directory, found upwards from this module (src/ or dist/src/). */
export function defaultReleasedDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "contracts", "released");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return join(dirname(fileURLToPath(import.meta.url)), "contracts", "released");
    dir = parent;
  }
}

/** The released versions, oldest first. */
export function releasedVersions(releasedDir: string = defaultReleasedDir()): string[] {
  const versions = existsSync(releasedDir)
    ? readdirSync(releasedDir)
        .filter((file) => file.endsWith(".yaml"))
        .map((file) => file.slice(0, -".yaml".length))
        .filter((version) => semver.valid(version) === version)
    : [];
  return versions.sort(semver.compare);
}

export function releasedPath(version: string, releasedDir: string = defaultReleasedDir()): string {
  return join(releasedDir, `${version}.yaml`);
}

/**
 * A spec named by a released version (`0.1.0`) or a file path. A version is looked up first; a
 * released file must declare the version its name says.
 */
export function readSpec(nameOrPath: string, releasedDir: string = defaultReleasedDir()): SpecDocument {
  const isVersion = semver.valid(nameOrPath) === nameOrPath;
  const path = isVersion ? releasedPath(nameOrPath, releasedDir) : nameOrPath;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const known = releasedVersions(releasedDir).join(", ") || "none";
    const detail = isVersion
      ? `is not a released version (released: ${known})`
      : `cannot be read (${(error as Error).message})`;
    throw new SpecDocumentError(nameOrPath, "", detail);
  }
  const doc = parseSpecDocument(text, isVersion ? `released ${nameOrPath}` : nameOrPath);
  if (isVersion && doc.version !== nameOrPath) {
    throw new SpecDocumentError(
      path,
      "/info/version",
      `says ${doc.version}, but the file is named for ${nameOrPath}`,
    );
  }
  return doc;
}
