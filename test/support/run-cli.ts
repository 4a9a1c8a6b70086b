// Runs the trading-events CLI: in-process through runCli (fast: the default for tests), or as a real
// child process for what only a process shows (exit codes, signals, a closed pipe).
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { runCli } from "../../src/cli/run-cli.js";

const main = resolve(import.meta.dirname, "../../src/cli/main.ts");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Collects what a command writes; `failWith` makes every write fail (a reader that went away). */
export class TextSink extends Writable {
  text = "";
  constructor(private readonly failWith?: NodeJS.ErrnoException) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.failWith) {
      done(this.failWith);
      return;
    }
    this.text += chunk.toString("utf8");
    done();
  }
}

export interface InProcessOptions {
  /** The whole of stdin; a Readable for input that arrives later (or never). */
  stdin?: string | Buffer | Readable;
  env?: Record<string, string>;
  signal?: AbortSignal;
  stdout?: Writable;
}

/** A command line run in this process, its output readable while it runs. */
export function startCli(args: string[], options: InProcessOptions = {}) {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const stdin =
    options.stdin instanceof Readable ? options.stdin : Readable.from([Buffer.from(options.stdin ?? "")]);
  const exited = runCli(args, {
    stdin,
    stdout: options.stdout ?? stdout,
    stderr,
    env: options.env ?? {},
    signal: options.signal,
  });
  return { stdout, stderr, exited };
}

/** A command line run in this process to its end. */
export async function runInProcess(args: string[], options: InProcessOptions = {}): Promise<CliRun> {
  const run = startCli(args, options);
  const code = await run.exited;
  return { code, stdout: run.stdout.text, stderr: run.stderr.text };
}

/** A stdin that stays open until the test ends it. */
export function openStdin(): PassThrough {
  return new PassThrough();
}

/** The CLI as a real process (one tsx start, about 1.5 s): keep for exit codes, signals and pipes. */
export function spawnTradingEvents(args: string[], options: { env?: Record<string, string> } = {}) {
  return spawn(process.execPath, ["--import", "tsx", main, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

export function runTradingEvents(
  args: string[],
  options: { stdin?: string | Buffer; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnTradingEvents(args, options.env ? { env: options.env } : {});
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? "");
  });
}
