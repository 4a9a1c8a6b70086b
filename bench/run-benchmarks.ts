// Runs the benchmark sections against a throwaway redis-server it starts itself, prints Markdown
// tables (ready for the README) and writes bench/results.json. Started by run.ts; see there.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchClusterThroughput } from "./cluster-throughput.bench.js";
import { benchColdReceive } from "./cold-receive.bench.js";
import { benchFallbackBuffer } from "./fallback-buffer.bench.js";
import { benchGenerate } from "./generate.bench.js";
import { benchLatency } from "./latency.bench.js";
import { benchPublishThroughput } from "./publish-throughput.bench.js";
import { benchPythonModels } from "./python-models.bench.js";
import { benchSubscribeThroughput } from "./subscribe-throughput.bench.js";
import { describeMachine, machineInfo } from "./support/machine.js";
import { repoRoot } from "./support/paths.js";
import { type RedisServerHandle, startBenchRedis } from "./support/redis.js";
import { type BenchResults, markdownTable, type SectionResult, targetsTable } from "./support/report.js";
import { now, round } from "./support/stats.js";
import { benchValidateSerialise } from "./validate-serialise.bench.js";

type SectionRunner = (context: {
  redis: () => Promise<RedisServerHandle>;
}) => Promise<SectionResult> | SectionResult;

const SECTIONS: Record<string, SectionRunner> = {
  "1": () => benchValidateSerialise(),
  "2": async ({ redis }) => benchPublishThroughput(await redis()),
  "3": async ({ redis }) => benchSubscribeThroughput(await redis()),
  "4": async ({ redis }) => benchLatency(await redis()),
  // No Redis: the subscriber's receive pipeline, called directly.
  "4c": () => benchColdReceive(),
  "5": () => benchFallbackBuffer(),
  "6": () => benchGenerate(repoRoot),
  // Starts its own cluster of six redis-servers.
  "7": () => benchClusterThroughput(),
  // The Python models: runs python3 (or $PYTHON) over generated/python.
  "8": () => benchPythonModels(),
};

const { values } = parseArgs({ options: { only: { type: "string" }, out: { type: "string" } } });
const selected =
  values.only === undefined ? Object.keys(SECTIONS) : values.only.split(",").map((s) => s.trim());
for (const id of selected)
  if (!(id in SECTIONS)) throw new Error(`unknown section ${id}; known: ${Object.keys(SECTIONS)}`);

const machine = machineInfo();
const started = now();
const date = new Date().toISOString();
console.log(`Benchmarks, ${date}\n${describeMachine(machine)}\n`);

let server: Promise<RedisServerHandle> | undefined;
const redis = () => {
  server ??= startBenchRedis();
  return server;
};
const sections: SectionResult[] = [];
try {
  for (const id of selected.sort()) {
    const sectionStarted = now();
    process.stderr.write(`section ${id}...`);
    const section = await (SECTIONS[id] as SectionRunner)({ redis });
    process.stderr.write(` ${round((now() - sectionStarted) / 1000, 2)} s\n`);
    sections.push(section);
    for (const table of section.tables) console.log(`${markdownTable(table)}\n`);
  }
} finally {
  await (await server)?.stop();
}

const targets = sections.flatMap((s) => s.targets);
console.log(markdownTable(targetsTable(targets)));
const results: BenchResults = {
  date,
  durationSeconds: round((now() - started) / 1000),
  machine,
  sections,
  targets,
};
const outFile =
  values.out ?? (values.only === undefined ? path.join(repoRoot, "bench", "results.json") : undefined);
if (outFile !== undefined) {
  fs.writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), outFile)} (${results.durationSeconds} s)`);
}
