// The CLI's window on the world, passed in so that commands run in-process in tests, print nothing
// else, and stop the same way whatever stops them (ctrl-C, or a reader that closed stdout).
import { readFile } from "node:fs/promises";
import type { Readable, Writable } from "node:stream";

/** What runCli runs against: the process's streams, or a test's. */
export interface CliEnvironment {
  /** Default: no input. */
  readonly stdin?: Readable | undefined;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Default: no variables. */
  readonly env?: Record<string, string | undefined> | undefined;
  /** Aborted when the user asks the process to stop (ctrl-C). */
  readonly signal?: AbortSignal | undefined;
}

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Reads the whole of stdin; rejects with StoppedError if the command is stopped meanwhile. */
  readStdin: () => Promise<Buffer>;
  env: Record<string, string | undefined>;
  /** Aborted when the command must stop early: interrupted, or stdout closed by its reader. */
  stop: AbortSignal;
}

export const EXIT_OK = 0;
/** The message was invalid, or the command did not get what it waited for. */
export const EXIT_FAILURE = 1;
/** The command line itself was wrong: unknown command, option or channel. */
export const EXIT_USAGE = 2;
/** Interrupted by ctrl-C (SIGINT), whatever the command: 128 + 2, as shells report it. */
export const EXIT_INTERRUPTED = 130;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A command was stopped (ctrl-C, or stdout closed) while it waited. */
export class StoppedError extends Error {
  override readonly name = "StoppedError";
}

/** The io of one run, and what stopped it, if anything. */
export interface CliSession {
  readonly io: CliIo;
  readonly interrupted: () => boolean;
  readonly outputClosed: () => boolean;
  readonly dispose: () => void;
}

export function openSession(environment: CliEnvironment): CliSession {
  const stopping = new AbortController();
  let outputClosed = false;
  const interrupt = () => stopping.abort("interrupted");
  environment.signal?.addEventListener("abort", interrupt, { once: true });
  if (environment.signal?.aborted) interrupt();
  // A reader that goes away (`| head -n1`) is EPIPE on the next write: stop quietly, as jq does.
  const onStdoutError = () => {
    outputClosed = true;
    stopping.abort("output closed");
  };
  const ignore = () => {};
  environment.stdout.on("error", onStdoutError);
  environment.stderr.on("error", ignore);
  const write = (stream: Writable, line: string) => {
    if (!stream.destroyed && !stream.writableEnded) stream.write(`${line}\n`);
  };
  const io: CliIo = {
    stdout: (line) => {
      if (!outputClosed) write(environment.stdout, line);
    },
    stderr: (line) => write(environment.stderr, line),
    readStdin: () => readAll(environment.stdin, stopping.signal),
    env: environment.env ?? {},
    stop: stopping.signal,
  };
  return {
    io,
    interrupted: () => environment.signal?.aborted === true,
    outputClosed: () => outputClosed,
    dispose: () => {
      environment.signal?.removeEventListener("abort", interrupt);
      environment.stdout.off("error", onStdoutError);
      environment.stderr.off("error", ignore);
    },
  };
}

function readAll(stdin: Readable | undefined, stop: AbortSignal): Promise<Buffer> {
  if (!stdin) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer | string) => chunks.push(Buffer.from(chunk));
    const onStop = () => {
      cleanup();
      reject(new StoppedError("stopped while reading stdin"));
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      stdin.off("data", onData).off("end", onEnd).off("error", onError);
      stop.removeEventListener("abort", onStop);
    };
    if (stop.aborted) return onStop();
    stop.addEventListener("abort", onStop, { once: true });
    stdin.on("data", onData).once("end", onEnd).once("error", onError);
  });
}

/** The raw message a command works on: the file's bytes, or stdin's when no file or "-" is given. */
export async function readMessageInput(file: string | undefined, io: CliIo): Promise<Buffer> {
  const fromStdin = file === undefined || file === "-";
  try {
    return fromStdin ? await io.readStdin() : await readFile(file);
  } catch (error) {
    if (error instanceof StoppedError) throw error;
    throw new UsageError(`cannot read ${fromStdin ? "stdin" : file}: ${(error as Error).message}`);
  }
}
