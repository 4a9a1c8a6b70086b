// Child process for the unusable-journal-path table: opens a durable fallback buffer on each path given,
// appends three messages to it and prints one JSON line per path with what happened. Run in its own
// process so that a path that hangs (as recursive mkdir under /proc once did) fails the test at a deadline
// instead of freezing the test runner. Usage: open-buffer-on.ts <path>...
import { createFallbackBuffer } from "../../src/publisher/buffer/fallback-buffer.js";

export interface OpenedOn {
  readonly path: string;
  readonly durability: { readonly durable: boolean; readonly reason?: string; readonly path?: string };
  readonly code: string | undefined;
  readonly reported: number;
  readonly seqs: number[];
}

async function main(): Promise<void> {
  for (const journalPath of process.argv.slice(2)) {
    let reported = 0;
    const buffer = createFallbackBuffer({
      capacity: 2,
      path: journalPath,
      onDurabilityLost: () => reported++,
    });
    for (let n = 0; n < 3; n++) buffer.append("signals.generated", `{"n":${n}}`);
    const { cause, ...durability } = { cause: undefined, ...buffer.durability };
    const line: OpenedOn = {
      path: journalPath,
      durability,
      code: (cause as NodeJS.ErrnoException | undefined)?.code,
      reported,
      seqs: buffer.entries().map((entry) => entry.seq),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    await buffer.close();
  }
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) await main();
