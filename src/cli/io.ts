// The CLI's window on the world, passed in so that commands stay testable and print nothing else.
import { readFile } from "node:fs/promises";

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Reads the whole of stdin. */
  readStdin: () => Promise<Buffer>;
  env: Record<string, string | undefined>;
  /** Resolves when the user asks the process to stop (SIGINT/SIGTERM); only long-running commands listen. */
  untilInterrupted: () => Promise<void>;
}

export const EXIT_OK = 0;
/** The message was invalid, or the command did not get what it waited for. */
export const EXIT_FAILURE = 1;
/** The command line itself was wrong: unknown command, option or channel. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The raw message a command works on: the file's bytes, or stdin's when no file or "-" is given. */
export async function readMessageInput(file: string | undefined, io: CliIo): Promise<Buffer> {
  try {
    return file === undefined || file === "-" ? await io.readStdin() : await readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
