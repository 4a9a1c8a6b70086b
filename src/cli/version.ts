// `trading-events --version`: the package's version and the contract's, which the CHANGELOG keeps equal.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { contractVersion } from "../../generated/index.js";

const PACKAGE_NAME = "@trading-platform/events";

/** The package.json above this module: src/cli/ from source, dist/src/cli/ when built. */
function packageVersion(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === PACKAGE_NAME && manifest.version) return manifest.version;
    } catch {
      // No package.json here: keep walking up.
    }
    const parent = dirname(directory);
    if (parent === directory) return "unknown";
    directory = parent;
  }
}

export function versionLine(): string {
  return `${PACKAGE_NAME} ${packageVersion()} (contract ${contractVersion})`;
}
