// `trading-events tail <address-or-pattern>...`: prints the valid events of channels as they arrive,
// through the package's own subscriber; invalid messages, gaps and errors go to stderr only.
import { parseArgs } from "node:util";
import { channelNames } from "../../generated/index.js";
import { formatReasons } from "../contract/reasons.js";
import { UnknownChannelError } from "../errors.js";
import { createSubscriber, SubscriberConnectionError } from "../subscriber/index.js";
import { parseTopic, type Topic, wildcardPattern } from "../subscriber/topics.js";
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from "./io.js";
import { DEFAULT_REDIS_URL, EXIT_REDIS_UNAVAILABLE, redactUrl, redisUrl } from "./publish-command.js";

const patterns = channelNames.filter((c) => c.includes("{")).map(wildcardPattern);

export const tailHelp = `Usage: trading-events tail <address-or-pattern>... [--redis <url>] [--json]
                           [--count <n>] [--timeout <seconds>] [--max-bytes <n>]

Subscribes to addresses and patterns and prints each valid event (consumer rules: unknown fields
are accepted, everything else is checked) on stdout as it arrives. Invalid messages are never
printed on stdout: they go to stderr with their reasons, as do reconnects ("gap" lines: messages
published in that interval may have been missed) and connection errors.

  <address-or-pattern>  an address (signals.generated, price.updated.AAPL) or a pattern
                        (${patterns.join(", ")}: every symbol)
  --json                one JSON object per line: {"channel": "<address>", "event": {...}}
                        (default: "<address> <event as JSON>")
  --count <n>           exit 0 after n valid events
  --timeout <seconds>   stop after this long: exit 1 if --count events had not arrived by then,
                        exit 0 without --count
  --max-bytes <n>       larger messages are invalid (default 1048576)
  --redis <url>         default: $REDIS_URL, else ${DEFAULT_REDIS_URL}

"tail: subscribed to ..." is written on stderr once every subscription is in place.
Exit codes: 0 done (count reached, timeout without --count, or interrupted); 1 --count not
reached in time; 2 usage error; ${EXIT_REDIS_UNAVAILABLE} Redis unreachable at start.

Channels: ${channelNames.join(", ")}`;

function positiveNumber(text: string | undefined, option: string, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(
      `${option} must be a positive ${integer ? "integer" : "number"}, not ${JSON.stringify(text)}`,
    );
  }
  return value;
}

export async function tailCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      count: { type: "string" },
      timeout: { type: "string" },
      "max-bytes": { type: "string" },
      redis: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(tailHelp);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError("tail needs at least one address or pattern");
  const topics: Topic[] = positionals.map((text) => {
    const topic = parseTopic(text);
    if (!topic) throw new UnknownChannelError(text, channelNames);
    return topic;
  });
  const count = positiveNumber(values.count, "--count", true);
  const timeoutSeconds = positiveNumber(values.timeout, "--timeout", false);
  const maxMessageBytes = positiveNumber(values["max-bytes"], "--max-bytes", true);
  const url = redisUrl(values.redis, io.env);

  let printed = 0;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  let subscribed = false;

  const subscriber = createSubscriber({
    connection: url,
    ...(maxMessageBytes ? { maxMessageBytes } : {}),
    onInvalid: (message) => {
      io.stderr(
        `invalid message on ${message.address} (${message.size} bytes, ${JSON.stringify(message.excerpt)}): ${formatReasons(message.reasons).join("; ")}`,
      );
    },
    onGap: (gap) => {
      io.stderr(
        `gap: reconnected; messages published between ${gap.from.toISOString()} and ${gap.to.toISOString()} may have been missed`,
      );
    },
    onError: (error) => {
      if (!subscribed && error instanceof SubscriberConnectionError) {
        io.stderr(
          `cannot reach Redis at ${redactUrl(url)}: ${(error.cause as Error)?.message ?? error.message}`,
        );
        finish(EXIT_REDIS_UNAVAILABLE);
        return;
      }
      io.stderr(`error: ${error.message}`);
    },
  });

  const timer =
    timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          if (count !== undefined)
            io.stderr(`timed out after ${timeoutSeconds} s with ${printed} of ${count} events`);
          finish(count === undefined ? EXIT_OK : EXIT_FAILURE);
        }, timeoutSeconds * 1000);

  try {
    const subscribing = subscriber.handleTopics(topics, (event, { address }) => {
      if (count !== undefined && printed >= count) return;
      printed += 1;
      io.stdout(
        values.json ? JSON.stringify({ channel: address, event }) : `${address} ${JSON.stringify(event)}`,
      );
      if (count !== undefined && printed >= count) finish(EXIT_OK);
    });
    subscribing.then(
      () => {
        subscribed = true;
        io.stderr(`tail: subscribed to ${topics.map((t) => t.name).join(", ")}`);
      },
      () => {
        // Rejected only by close(), which a finished run does itself.
      },
    );
    void io.untilInterrupted().then(() => finish(EXIT_OK));
    return await finished;
  } finally {
    clearTimeout(timer);
    await subscriber.close();
  }
}
