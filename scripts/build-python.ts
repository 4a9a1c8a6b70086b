// `npm run build:python`: dist/python/trading_platform_events-<version>-py3-none-any.whl from generated/python,
// at the npm package's version, built offline by scripts/python/build_wheel.py (standard library only).
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);
const path = (relative: string) => fileURLToPath(new URL(relative, root));

/** The Python interpreter the package is built and tested with: $PYTHON, else python3 on PATH. */
export const python = process.env.PYTHON ?? "python3";

/** Builds the wheel into `outDir` and returns its path; fails when the versions disagree. */
export function buildPythonWheel(outDir: string = path("dist/python")): string {
  const { version } = JSON.parse(readFileSync(path("package.json"), "utf8")) as { version: string };
  const pyproject = readFileSync(path("generated/python/pyproject.toml"), "utf8");
  if (!pyproject.includes(`\nversion = "${version}"\n`)) {
    throw new Error(
      `generated/python/pyproject.toml is not at package.json's version ${version}: run npm run generate`,
    );
  }
  const wheel = execFileSync(
    python,
    [path("scripts/python/build_wheel.py"), path("generated/python"), outDir],
    { encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } },
  ).trim();
  const expected = `trading_platform_events-${version}-py3-none-any.whl`;
  if (!wheel.endsWith(`/${expected}`)) throw new Error(`the wheel is ${wheel}, not ${expected}`);
  return wheel;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(path("dist/python"), { recursive: true, force: true });
  console.log(buildPythonWheel());
}
