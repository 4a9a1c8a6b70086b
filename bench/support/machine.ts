// What the numbers were measured on: absolute figures drift between machines and runs, so every
// result file records the machine, the runtime and the versions of what was compared.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "./paths.js";

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly totalMemoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly redisServer: string;
  /** 1-minute load average when the run started: a hint of how noisy the machine was. */
  readonly loadAverageAtStart: number;
  readonly packages: Readonly<Record<string, string>>;
  /** The commit measured, and whether the measured code (src/, generated/, bench/) differed from it. */
  readonly git: { readonly commit: string; readonly uncommittedChanges: boolean };
}

const COMPARED_PACKAGES = ["ioredis", "ajv", "ajv-formats", "zod", "tinybench"] as const;

export function machineInfo(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    cpus: os.availableParallelism(),
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    redisServer: redisServerVersion(),
    loadAverageAtStart: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    packages: Object.fromEntries(COMPARED_PACKAGES.map((name) => [name, packageVersion(name)])),
    git: gitState(),
  };
}

function gitState(): MachineInfo["git"] {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repoRoot, encoding: "utf8" }).trim();
    const changes = git("status", "--porcelain", "--", "src", "generated", "bench", ":!bench/results.json");
    return { commit: git("rev-parse", "--short", "HEAD"), uncommittedChanges: changes !== "" };
  } catch {
    return { commit: "unknown", uncommittedChanges: true };
  }
}

function redisServerVersion(): string {
  try {
    const output = execFileSync("redis-server", ["--version"], { encoding: "utf8" });
    return /v=(\S+)/.exec(output)?.[1] ?? output.trim();
  } catch {
    return "not installed";
  }
}

function packageVersion(name: string): string {
  try {
    const manifest = readFileSync(path.join(repoRoot, "node_modules", name, "package.json"), "utf8");
    return (JSON.parse(manifest) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

export function describeMachine(machine: MachineInfo): string {
  const commit = `${machine.git.commit}${machine.git.uncommittedChanges ? " with uncommitted changes" : ""}`;
  return `${machine.cpuModel}, ${machine.cpus} CPUs, ${machine.totalMemoryGiB} GiB, ${machine.os}; Node ${machine.node}, redis-server ${machine.redisServer}; load average ${machine.loadAverageAtStart} at start; commit ${commit}`;
}
