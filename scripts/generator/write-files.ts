// The only step that touches the disk: makes generated/ hold exactly the given files, and
// compares generated/ against them for `npm run check:generated`.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { GeneratedFile } from "./banner.js";

function listFiles(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root, { recursive: true, withFileTypes: false }) as string[];
  } catch {
    return [];
  }
  return entries
    .filter((entry) => {
      try {
        return readdirSync(join(root, entry)).length < 0;
      } catch {
        return true; // not a directory
      }
    })
    .map((entry) => relative(root, join(root, entry)).split(sep).join("/"))
    .sort();
}

export function writeFiles(outDir: string, files: GeneratedFile[]): void {
  const wanted = new Set(files.map((f) => f.path));
  for (const existing of listFiles(outDir)) {
    if (!wanted.has(existing)) rmSync(join(outDir, existing));
  }
  for (const file of files) {
    const target = join(outDir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    let current: string | undefined;
    try {
      current = readFileSync(target, "utf8");
    } catch {
      current = undefined;
    }
    if (current !== file.contents) writeFileSync(target, file.contents);
  }
}

export interface StaleReport {
  changed: string[];
  missing: string[];
  extra: string[];
}

export function findStaleFiles(outDir: string, files: GeneratedFile[]): StaleReport {
  const existing = new Set(listFiles(outDir));
  const report: StaleReport = { changed: [], missing: [], extra: [] };
  for (const file of files) {
    if (!existing.has(file.path)) report.missing.push(file.path);
    else if (readFileSync(join(outDir, file.path), "utf8") !== file.contents) report.changed.push(file.path);
    existing.delete(file.path);
  }
  report.extra = [...existing].sort();
  return report;
}
