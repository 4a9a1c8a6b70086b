// Section 5: the durable fallback buffer (append-only journal) against the strategy it replaces,
// rewriting the whole buffer as a JSON list to a temporary file and renaming it on every change.
// Appends and replays N messages and shows how the cost per message grows with N.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { channels } from "../generated/index.js";
import { createFallbackBuffer } from "../src/publisher/fallback-buffer.js";
import { prepareMessage } from "../src/publisher/prepare-message.js";
import type { Cell, SectionResult } from "./support/report.js";
import { now, round } from "./support/stats.js";

const JOURNAL_SIZES = [1_000, 10_000, 100_000] as const;
const REWRITE_SIZES = [1_000, 5_000] as const;
const CHANNEL = "signals.generated";

interface Measurement {
  readonly strategy: "journal" | "whole-file rewrite";
  readonly messages: number;
  readonly appendMs: number;
  /** Messages per second over the last 10% of the appends: the rate once the buffer holds ~N. */
  readonly appendRateAtEnd: number;
  /** Opening the file again and reading every buffered message back. */
  readonly loadMs: number;
  /** Taking every message out in order (acknowledge / rewrite without it). */
  readonly drainMs: number;
  readonly fileBytes: number;
}

export async function benchBufferJournal(): Promise<SectionResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-buffer-"));
  try {
    const bodies = messageBodies(Math.max(...JOURNAL_SIZES));
    const measurements: Measurement[] = [];
    for (const n of JOURNAL_SIZES)
      measurements.push(await measureJournal(path.join(dir, `journal-${n}`), bodies, n));
    for (const n of REWRITE_SIZES)
      measurements.push(measureRewrite(path.join(dir, `rewrite-${n}.json`), bodies, n));

    const rows: Cell[][] = measurements.map((m) => [
      m.strategy,
      m.messages,
      round(m.appendMs),
      round((m.appendMs * 1000) / m.messages),
      round(m.appendRateAtEnd),
      round(m.loadMs),
      round(m.drainMs),
      round((m.fileBytes / 1024 / 1024) * 100) / 100,
    ]);
    const tenThousand = measurements.find((m) => m.strategy === "journal" && m.messages === 10_000);
    const appendMs = tenThousand?.appendMs ?? Number.NaN;
    const rewriteSmall = measurements.find(
      (m) => m.strategy === "whole-file rewrite" && m.messages === 1_000,
    );
    const rewriteLarge = measurements.find(
      (m) => m.strategy === "whole-file rewrite" && m.messages === 5_000,
    );
    const journalSmall = measurements.find((m) => m.strategy === "journal" && m.messages === 1_000);
    const journalLarge = measurements.find((m) => m.strategy === "journal" && m.messages === 100_000);
    const growth = (a: Measurement | undefined, b: Measurement | undefined) =>
      a && b ? round(b.appendMs / b.messages / (a.appendMs / a.messages), 2) : Number.NaN;
    return {
      id: "fallback-buffer",
      title: "5. Durable fallback buffer",
      tables: [
        {
          title: "5. Durable fallback buffer: append and replay N messages",
          columns: [
            "Strategy",
            "N",
            "append all (ms)",
            "µs per append",
            "appends/s at the end",
            "load (ms)",
            "drain (ms)",
            "file (MiB)",
          ],
          rows,
          notes: [
            `Messages: ${CHANNEL} bodies from prepareMessage (~${bodies[0]?.length ?? 0} bytes each). Journal: createFallbackBuffer with a path, ` +
              'fsync "none" (the default; a record is handed to the kernel before append returns). Load = opening the file again ' +
              "(a restart); drain = oldest() + acknowledge() for every message, as replay does after each PUBLISH. " +
              "Whole-file rewrite: JSON.stringify(list) to a temp file + rename on every append and every removal, no fsync either. " +
              `Cost per append grows ${growth(journalSmall, journalLarge)}× from 1,000 to 100,000 messages with the journal, ` +
              `${growth(rewriteSmall, rewriteLarge)}× from 1,000 to 5,000 with the whole-file rewrite.`,
          ],
        },
      ],
      targets: [
        {
          target: "10,000 durable appends ≤ 0.5 s",
          measured: `${round(appendMs)} ms`,
          met: appendMs <= 500,
        },
      ],
      data: { measurements },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function messageBodies(count: number): string[] {
  const example = channels[CHANNEL].examples[0]?.payload;
  if (example === undefined) throw new Error(`the spec has no example for ${CHANNEL}`);
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) bodies.push(prepareMessage(CHANNEL, { ...example, num_signals: i }).body);
  return bodies;
}

async function measureJournal(file: string, bodies: readonly string[], n: number): Promise<Measurement> {
  const buffer = createFallbackBuffer({ capacity: n, path: file });
  if (!buffer.durability.durable) throw new Error(`the journal at ${file} is not durable`);
  const tailStart = n - Math.ceil(n / 10);
  let tailStartedAt = 0;
  const started = now();
  for (let i = 0; i < n; i++) {
    if (i === tailStart) tailStartedAt = now();
    buffer.append(CHANNEL, bodies[i] as string);
  }
  const ended = now();
  await buffer.close();
  const fileBytes = fs.statSync(file).size;

  const loadStarted = now();
  const reopened = createFallbackBuffer({ capacity: n, path: file });
  const loaded = now();
  if (reopened.size !== n) throw new Error(`the journal recovered ${reopened.size} of ${n} messages`);
  for (let entry = reopened.oldest(); entry !== undefined; entry = reopened.oldest())
    reopened.acknowledge(entry.seq);
  const drained = now();
  await reopened.close();
  return {
    strategy: "journal",
    messages: n,
    appendMs: ended - started,
    appendRateAtEnd: ((n - tailStart) * 1000) / (ended - tailStartedAt),
    loadMs: loaded - loadStarted,
    drainMs: drained - loaded,
    fileBytes,
  };
}

interface RewriteEntry {
  readonly seq: number;
  readonly channel: string;
  readonly payload: string;
  readonly bufferedAt: number;
}

/** The reference strategy: the whole buffer is the file's one JSON list, rewritten atomically on every change. */
function measureRewrite(file: string, bodies: readonly string[], n: number): Measurement {
  const temp = `${file}.tmp`;
  const save = (list: readonly RewriteEntry[]) => {
    fs.writeFileSync(temp, JSON.stringify(list));
    fs.renameSync(temp, file);
  };
  const list: RewriteEntry[] = [];
  const tailStart = n - Math.ceil(n / 10);
  let tailStartedAt = 0;
  const started = now();
  for (let i = 0; i < n; i++) {
    if (i === tailStart) tailStartedAt = now();
    list.push({ seq: i + 1, channel: CHANNEL, payload: bodies[i] as string, bufferedAt: Date.now() });
    save(list);
  }
  const ended = now();
  const fileBytes = fs.statSync(file).size;

  const loadStarted = now();
  const loadedList = JSON.parse(fs.readFileSync(file, "utf8")) as RewriteEntry[];
  const loaded = now();
  if (loadedList.length !== n)
    throw new Error(`the rewritten file holds ${loadedList.length} of ${n} messages`);
  while (loadedList.length > 0) {
    loadedList.shift();
    save(loadedList);
  }
  const drained = now();
  return {
    strategy: "whole-file rewrite",
    messages: n,
    appendMs: ended - started,
    appendRateAtEnd: ((n - tailStart) * 1000) / (ended - tailStartedAt),
    loadMs: loaded - loadStarted,
    drainMs: drained - loaded,
    fileBytes,
  };
}
