// `trading-events publish <address> [file|-] | --example`: checks one message with the producer's
// (strict) rules, then PUBLISHes it on a short-lived connection that fails fast when Redis is away.
import { parseArgs } from "node:util";
import { type ChannelName, channelNames, channels } from "../../generated/index.js";
import { isChannelName, type ResolvedAddress, resolveAddress } from "../contract/addresses.js";
import { formatReasons } from "../contract/reasons.js";
import { type CheckResult, checkPayload, checkRawMessage } from "../contract/validate.js";
import { UnknownChannelError } from "../errors.js";
import { connectionOptionSpecs, connectionOptionsHelp, connectionSettings } from "./connection-options.js";
import { type CliIo, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, readMessageInput, UsageError } from "./io.js";
import { CliConnectionError, connectWithDeadline, EXIT_REDIS_UNAVAILABLE } from "./redis-connection.js";

export const publishHelp = `Usage: trading-events publish <address> [file|-] [--redis <url> | --cluster <url>...] [--sharded]
                              [--connect-timeout <s>]
       trading-events publish <address> --example [--redis <url> | --cluster <url>...] [--sharded]

Checks one message against the contract with the producer's rules (strict: unknown fields are
errors, the address's parameters must equal the payload's), then publishes it, compacted, on the
address (SPUBLISH with --sharded). Prints the number of subscribers that received it; on a cluster
Redis counts only the subscribers of one node: with --sharded the shard that owns the address's
slot (all of them), in classic mode the node the message was sent to (it may say 0 while
subscribers on other nodes receive it).

  <address>                  a concrete address: signals.generated, orders.executed,
                             positions.updated, price.updated.<symbol> (e.g. price.updated.AAPL)
  [file|-]                   the message, from a file or from stdin ("-" or no file)
  --example                  publish the channel's first example from the contract instead (on a
                             price address, with the address's symbol)
${connectionOptionsHelp}

Exit codes: 0 published; 1 invalid message (reasons on stderr); 2 usage error (unknown option or
channel: "did you mean …?"); ${EXIT_REDIS_UNAVAILABLE} Redis unreachable, refused the credentials, did not answer within
--connect-timeout, or the publish failed; ${EXIT_INTERRUPTED} interrupted (ctrl-C).

Channels: ${channelNames.join(", ")}`;

export async function publishCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      example: { type: "boolean", default: false },
      ...connectionOptionSpecs,
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(publishHelp);
    return EXIT_OK;
  }
  const [address, file, ...rest] = positionals;
  if (!address) throw new UsageError("publish needs an address");
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(" ")}`);
  if (values.example && file !== undefined) throw new UsageError("give either a file or --example, not both");
  const resolved = resolveAddress(address);
  if (!resolved) {
    if (isChannelName(address)) {
      throw new UsageError(
        `${address} is a channel, not an address: name one, such as ${exampleAddress(address)}`,
      );
    }
    throw new UnknownChannelError(address, channelNames);
  }
  const settings = connectionSettings(values, io.env);

  let checked: CheckResult<unknown>;
  if (values.example) {
    checked = checkPayload(resolved.channel, exampleFor(resolved), "strict", resolved.parameters);
  } else {
    const raw = await readMessageInput(file, io);
    checked = checkRawMessage(resolved.channel, raw, "strict", { parameters: resolved.parameters });
  }
  if (!checked.ok) {
    io.stderr(`invalid message for ${address}:`);
    for (const line of formatReasons(checked.reasons)) io.stderr(`  ${line}`);
    return EXIT_FAILURE;
  }

  let redis: Awaited<ReturnType<typeof connectWithDeadline>>;
  try {
    redis = await connectWithDeadline(settings, io.stop);
  } catch (error) {
    if (!(error instanceof CliConnectionError)) throw error;
    if (error.kind !== "stopped") io.stderr(error.message);
    return EXIT_REDIS_UNAVAILABLE;
  }
  const sharded = settings.mode === "sharded";
  try {
    const message = JSON.stringify(checked.value);
    // On a cluster, SPUBLISH goes to the slot's master (its count: that shard's subscribers); PUBLISH to any node.
    const receivers = sharded
      ? await redis.spublish(address, message)
      : await redis.publish(address, message);
    io.stdout(String(receivers));
    return EXIT_OK;
  } catch (error) {
    io.stderr(`${sharded ? "SPUBLISH" : "PUBLISH"} to ${address} failed: ${(error as Error).message}`);
    return EXIT_REDIS_UNAVAILABLE;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** The channel's first example, with the address's parameters written into the payload. */
function exampleFor(resolved: ResolvedAddress): unknown {
  const definition = channels[resolved.channel];
  const payload: Record<string, unknown> = { ...(definition.examples[0]?.payload ?? {}) };
  for (const parameter of definition.parameters) {
    payload[parameter.payloadPointer.slice(1)] = (resolved.parameters as Record<string, string>)[
      parameter.name
    ];
  }
  return payload;
}

function exampleAddress(channel: ChannelName): string {
  const definition = channels[channel];
  const payload = definition.examples[0]?.payload as Record<string, unknown> | undefined;
  return definition.address.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const pointer = definition.parameters.find((p) => p.name === name)?.payloadPointer ?? "";
    return String(payload?.[pointer.slice(1)] ?? whole);
  });
}
