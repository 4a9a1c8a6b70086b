// `npm run generate` and `npm run check:generated` as processes: exit codes and messages.
import { execFile } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
mkdirSync(join(root, ".tmp"), { recursive: true });
const scratch = mkdtempSync(join(root, ".tmp", "generator-scripts-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function runScript(script: string, args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", join(root, "scripts", script), ...args],
      { cwd: root },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Every file under a directory, by relative path, with its contents. */
function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const path of readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const full = join(dir, path);
    if (statSync(full).isFile()) files[path] = readFileSync(full, "utf8");
  }
  return files;
}

describe("generator scripts", () => {
  it("generate exits 1 with the spec location when the spec has an error", async () => {
    const spec = join(scratch, "broken.yaml");
    writeFileSync(spec, readFileSync(join(root, "asyncapi.yaml"), "utf8").replace(/^ {2}version: .*\n/m, ""));
    const run = await runScript("generate.ts", ["--spec", spec, "--out", join(scratch, "never-written")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*broken\.yaml:\d+:\d+ .*version/s);
  });

  it("check:generated names the stale files and exits 1; generate makes it pass", async () => {
    // Start from the committed output (the same bytes: `npm run check:generated` holds on it).
    const out = join(scratch, "generated");
    cpSync(join(root, "generated"), out, { recursive: true });
    writeFileSync(join(out, "types.ts"), "// edited by hand\n");
    rmSync(join(out, "schemas", "SignalEvent.schema.json"));
    const stale = await runScript("check-generated.ts", ["--out", out]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("generated/types.ts differs from what the spec generates");
    expect(stale.stderr).toContain("generated/schemas/SignalEvent.schema.json is missing");
    expect((await runScript("generate.ts", ["--out", out])).code).toBe(0);
    // Regenerated: the same files and bytes as the committed generated/, which check:generated passes.
    expect(filesUnder(out)).toEqual(filesUnder(join(root, "generated")));
    // Two script starts of about 7 s of CPU each: room for a machine shared by several test runs.
  }, 180_000);
});
