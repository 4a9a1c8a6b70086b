// `trading-events validate <channel-address> [file]`: checks one raw message against the contract.
import { parseArgs } from "node:util";
import { channelNames } from "../../generated/index.js";
import { requireAddressOrChannel } from "../contract/addresses.js";
import { formatReasons } from "../contract/reasons.js";
import { checkRawMessage } from "../contract/validate.js";
import { type CliIo, EXIT_FAILURE, EXIT_OK, readMessageInput, UsageError } from "./io.js";

export const validateHelp = `Usage: trading-events validate <channel-address> [file|-] [--strict]

Checks one raw message (from the file, or stdin when no file or "-" is given) against the
contract of the channel. Prints "valid" and exits 0 when it conforms; otherwise prints one line
per reason ("<json-pointer>: <message>") on stderr and exits 1. Exit 2 on a usage error.

  <channel-address>  a concrete address such as signals.generated or price.updated.BRK.B
                     (its symbol must then equal the payload's), or a channel name such as
                     price.updated.{symbol}
  --strict           producer rules: unknown fields are errors (default: consumer rules,
                     which accept unknown fields)

Channels: ${channelNames.join(", ")}`;

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { strict: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(validateHelp);
    return EXIT_OK;
  }
  const [address, file, ...rest] = positionals;
  if (!address) throw new UsageError("validate needs a channel address");
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(" ")}`);

  const { channel, parameters } = requireAddressOrChannel(address);

  const raw = await readMessageInput(file, io);
  const view = values.strict ? "strict" : "tolerant";
  const result = checkRawMessage(channel, raw, view, parameters ? { parameters } : {});
  if (result.ok) {
    io.stdout("valid");
    return EXIT_OK;
  }
  for (const line of formatReasons(result.reasons)) io.stderr(line);
  return EXIT_FAILURE;
}
