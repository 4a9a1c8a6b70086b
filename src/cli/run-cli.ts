// Dispatches `trading-events <command>`; turns usage errors (and unknown channels) into exit code 2 with a hint.
import { UnknownChannelError } from "../errors.js";
import { type CliIo, EXIT_OK, EXIT_USAGE, UsageError } from "./io.js";
import { publishCommand } from "./publish-command.js";
import { tailCommand } from "./tail-command.js";
import { validateCommand } from "./validate-command.js";

type Command = (args: string[], io: CliIo) => Promise<number>;

const commands: Record<string, { run: Command; summary: string }> = {
  validate: { run: validateCommand, summary: "check one raw message against a channel's contract" },
  tail: { run: tailCommand, summary: "print the valid events of addresses and patterns as they arrive" },
  publish: { run: publishCommand, summary: "check one message strictly, then publish it on an address" },
};

export function registerCommand(name: string, summary: string, run: Command): void {
  commands[name] = { run, summary };
}

function mainHelp(): string {
  const lines = Object.entries(commands)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`);
  return `Usage: trading-events <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun trading-events <command> --help for a command's options.`;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout)(mainHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = commands[name];
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
