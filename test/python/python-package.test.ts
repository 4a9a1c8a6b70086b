// The Python package end to end, in one pass: the wheel built as `npm run build:python` builds it and
// installed into a fresh virtualenv; pyright (strict) over the generated package and these tests; one
// pytest run (test/python/*.py) against the installed wheel. The cross-language cases travel by file:
// TypeScript's verdicts in, Python's hypothesis verdicts out, checked here against TypeScript's.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPythonWheel, python } from "../../scripts/build-python.js";
import {
  generatedCases,
  rawEdgeCases,
  type Verdict,
  verdictOf,
  type WireCase,
} from "../support/cross-language-cases.js";
import { pythonWireCases } from "../support/python-wire.js";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));
const quiet = { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PIP_DISABLE_PIP_VERSION_CHECK: "1" };

interface Outcome {
  code: number;
  output: string;
}

async function outcome(command: string, args: string[], env = quiet, cwd = here): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === "number" ? failed.code : -1,
      output: `${failed.stdout}${failed.stderr}`,
    };
  }
}

function typeScriptCases(): WireCase[] {
  const fixtures = pythonWireCases.map((c) => {
    const bytes = Buffer.from(c.wire, "utf8");
    const [strict, tolerant] = [
      verdictOf(c.channel, bytes, "strict"),
      verdictOf(c.channel, bytes, "tolerant"),
    ];
    return { id: c.id, address: c.channel, wire: bytes.toString("base64"), strict, tolerant };
  });
  return [...fixtures, ...generatedCases(60, 19), ...rawEdgeCases()];
}

/** The same rule as test/python/verdicts.py's disagreement(), from TypeScript's side. */
function disagreement(typescript: Verdict, pythonAsIs: Verdict): string | undefined {
  const known = pythonAsIs.violations.filter(([, code]) => code !== "timestamp.unrepresentable");
  const python = { ok: pythonAsIs.ok || known.length === 0, violations: known };
  if (typescript.ok !== python.ok) return `TypeScript ok=${typescript.ok}, Python ok=${python.ok}`;
  const key = ([pointer, code]: [string, string]) => `${pointer} ${code}`;
  const ts = new Set(typescript.violations.map(key));
  const pointers = (v: Verdict) => [...new Set(v.violations.map(([p]) => p))].sort().join(",");
  if (pointers(typescript) !== pointers(python))
    return `pointers differ: ${[...ts]} vs ${python.violations.map(key)}`;
  const missing = python.violations.map(key).filter((k) => !ts.has(k));
  return missing.length > 0 ? `Python codes ${missing} not among TypeScript's ${[...ts]}` : undefined;
}

describe("the Python package (wheel, pyright strict, pytest, cross-language verdicts)", () => {
  const work = mkdtempSync(join(tmpdir(), "events-python-"));
  const files = { tsCases: join(work, "ts-cases.jsonl"), pyCases: join(work, "py-cases.jsonl") };
  let wheel = "";
  let pyright: Outcome;
  let pytest: Outcome;

  beforeAll(async () => {
    wheel = buildPythonWheel(join(work, "dist"));
    writeFileSync(
      files.tsCases,
      `${typeScriptCases()
        .map((c) => JSON.stringify(c))
        .join("\n")}\n`,
    );
    const venvPython = join(work, "venv", "bin", "python");
    const pyrightRun = outcome(process.execPath, [
      join(root, "node_modules/pyright/index.js"),
      "-p",
      "pyrightconfig.json",
    ]);
    const pytestRun = (async () => {
      // No pip inside: the machine's pip installs into it (--python), offline, with pydantic from the system.
      await run(python, ["-m", "venv", "--without-pip", "--system-site-packages", join(work, "venv")]);
      const args = ["--python", venvPython, "install", "-q", "--no-index", "--no-compile", wheel];
      const installed = await outcome(python, ["-m", "pip", ...args]);
      if (installed.code !== 0) return installed;
      const env = {
        ...quiet,
        TS_CASES: files.tsCases,
        PY_CASES: files.pyCases,
        HYPOTHESIS_STORAGE_DIRECTORY: work,
      };
      // Run from the scratch directory, so that nothing pytest or its plugins write lands in the repository.
      return outcome(
        venvPython,
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", here],
        env,
        work,
      );
    })();
    [pyright, pytest] = await Promise.all([pyrightRun, pytestRun]);
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("builds the wheel at the npm package's version", () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect(wheel.endsWith(`/trading_platform_events-${version}-py3-none-any.whl`)).toBe(true);
  });

  it("type-checks the generated package and the Python tests with pyright in strict mode", () => {
    expect(pyright.output).toMatch(/0 errors, 0 warnings/);
    expect(pyright.code, pyright.output).toBe(0);
  });

  it("passes pytest against the installed wheel, nothing skipped", () => {
    expect(pytest.code, pytest.output).toBe(0);
    expect(pytest.output).toMatch(/\d+ passed/);
    expect(pytest.output).not.toMatch(/skipped|xfail|deselected/);
  });

  it("gives every hypothesis case the verdict Python gave it, strict and tolerant", () => {
    const cases = readFileSync(files.pyCases, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as Omit<WireCase, "id">);
    expect(cases.length).toBe(160); // 40 per channel
    const problems = cases.flatMap((c) =>
      (["strict", "tolerant"] as const).flatMap((view) => {
        const problem = disagreement(verdictOf(c.address, Buffer.from(c.wire, "base64"), view), c[view]);
        return problem === undefined
          ? []
          : [`${view} ${c.address} ${Buffer.from(c.wire, "base64")}: ${problem}`];
      }),
    );
    expect(problems).toEqual([]);
  });
});
