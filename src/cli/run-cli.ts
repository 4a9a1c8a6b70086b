// Dispatches `trading-events <command>` against given streams and returns the exit code: usage
// errors (and unknown channels) are 2 with a hint, ctrl-C is 130 for every command.
import { UnknownChannelError } from "../errors.js";
import { aclCommand } from "./acl-command.js";
import { consumersCommand } from "./consumers-command.js";
import { diffCommand } from "./diff-command.js";
import {
  type CliEnvironment,
  type CliIo,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_USAGE,
  openSession,
  StoppedError,
  UsageError,
} from "./io.js";
import { publishCommand } from "./publish-command.js";
import { tailCommand } from "./tail-command.js";
import { validateCommand } from "./validate-command.js";
import { versionLine } from "./version.js";

type Command = (args: string[], io: CliIo) => Promise<number>;

const commands: Record<string, { run: Command; summary: string }> = {
  validate: { run: validateCommand, summary: "check one raw message against a channel's contract" },
  tail: { run: tailCommand, summary: "print the valid events of addresses and patterns as they arrive" },
  publish: { run: publishCommand, summary: "check one message strictly, then publish it on an address" },
  diff: { run: diffCommand, summary: "compare two contracts: what breaks, in which direction, for whom" },
  consumers: {
    run: consumersCommand,
    summary: "check the contract against consumer manifests: what each rejects, reads, subscribes to",
  },
  acl: {
    run: aclCommand,
    summary: "Redis ACL users from the contract: names, an aclfile, or ACL SETUSER lines",
  },
};

export function registerCommand(name: string, summary: string, run: Command): void {
  commands[name] = { run, summary };
}

function mainHelp(): string {
  const lines = Object.entries(commands)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`);
  return `Usage: trading-events <command> [options]
       trading-events --version

Commands:
${lines.join("\n")}

Run trading-events <command> --help for a command's options.
Exit codes: 0 success; 1 invalid message or not what was waited for; 2 usage error; 3 Redis
unreachable, refused the credentials or did not answer in time; ${EXIT_INTERRUPTED} interrupted (ctrl-C).`;
}

/**
 * Runs one command line. Resolves to the exit code; rejects only on a bug (an unexpected error),
 * which the process wrapper prints with its stack.
 */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  const session = openSession(environment);
  try {
    const code = await dispatch(argv, session.io);
    return session.interrupted() ? EXIT_INTERRUPTED : code;
  } catch (error) {
    if (session.interrupted()) return EXIT_INTERRUPTED;
    // Stopped because the reader closed stdout: nothing more to say, as jq does.
    if (error instanceof StoppedError) return EXIT_OK;
    throw error;
  } finally {
    session.dispose();
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout)(mainHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    io.stdout(versionLine());
    return EXIT_OK;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.stderr(`trading-events: unknown command ${JSON.stringify(name)}\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    // parseArgs reports unknown options with ERR_PARSE_ARGS_* codes: usage errors too.
    const code = (error as { code?: string }).code ?? "";
    if (
      error instanceof UsageError ||
      error instanceof UnknownChannelError ||
      code.startsWith("ERR_PARSE_ARGS")
    ) {
      io.stderr(
        `trading-events ${name}: ${(error as Error).message}\nRun trading-events ${name} --help for usage.`,
      );
      return EXIT_USAGE;
    }
    throw error;
  }
}
