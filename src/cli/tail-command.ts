// `trading-events tail <address-or-pattern>...`: prints the valid events of channels as they arrive,
// through the package's own subscriber; invalid messages, gaps and errors go to stderr only.
import { parseArgs } from "node:util";
import { channelNames } from "../../generated/index.js";
import { formatReasons } from "../contract/reasons.js";
import { UnknownChannelError } from "../errors.js";
import {
  createSubscriber,
  ShardedPatternError,
  type Subscriber,
  SubscriberClosedError,
  type SubscriberOptions,
} from "../subscriber/index.js";
import { parseTopic, type Topic, wildcardPattern } from "../subscriber/topics.js";
import {
  type ConnectionSettings,
  connectionOptionSpecs,
  connectionOptionsHelp,
  connectionSettings,
} from "./connection-options.js";
import { type CliIo, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, UsageError } from "./io.js";
import { describeConnectionError, EXIT_REDIS_UNAVAILABLE, noAnswerError } from "./redis-connection.js";

const patterns = channelNames.filter((c) => c.includes("{")).map(wildcardPattern);

export const tailHelp = `Usage: trading-events tail <address-or-pattern>... [--json] [--count <n>] [--timeout <s>]
                           [--max-bytes <n>] [--redis <url> | --cluster <url>...] [--sharded]
                           [--connect-timeout <s>]

Subscribes to addresses and patterns and prints each valid event (consumer rules: unknown fields
are accepted, everything else is checked) on stdout as it arrives, as the bytes that were
published (on one line). Invalid messages are never printed on stdout: they go to stderr with
their reasons, as do reconnects ("gap" lines: messages published in that interval may have been
missed) and connection errors.

  <address-or-pattern>       an address (signals.generated, price.updated.AAPL) or a pattern
                             (${patterns.join(", ")}: every symbol; not with --sharded, since
                             Redis has no sharded pattern subscription: name the symbols)
  --json                     one JSON object per line: {"channel":"<address>","event":{...}}
                             (default: "<address> <event>")
  --count <n>                exit 0 after n valid events
  --timeout <s>              stop after this long: exit 1 if --count events had not arrived by
                             then, exit 0 without --count, exit 3 if never subscribed
  --max-bytes <n>            larger messages are invalid (default 1048576)
${connectionOptionsHelp}
                             (for tail: until every subscription is in place)

"tail: subscribed to ..." is written on stderr once every subscription is in place. A reader that
closes stdout (| head -n1) ends tail quietly with exit 0.
Exit codes: 0 done (count reached, timeout without --count, stdout closed); 1 --count not reached
in time; 2 usage error (unknown option or channel: "did you mean …?"); ${EXIT_REDIS_UNAVAILABLE} Redis unreachable,
refused the credentials, or not subscribed within --connect-timeout; ${EXIT_INTERRUPTED} interrupted (ctrl-C).

Channels: ${channelNames.join(", ")}`;

interface TailOptions {
  readonly topics: readonly Topic[];
  readonly json: boolean;
  readonly count: number | undefined;
  readonly timeoutSeconds: number | undefined;
  readonly maxMessageBytes: number | undefined;
  readonly settings: ConnectionSettings;
}

export async function tailCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: "boolean", default: false },
      count: { type: "string" },
      timeout: { type: "string" },
      "max-bytes": { type: "string" },
      ...connectionOptionSpecs,
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
    if (values.sharded && topic.kind === "pattern")
      throw new UsageError(new ShardedPatternError(text).message);
    return topic;
  });
  return runTail(
    {
      topics,
      json: values.json,
      count: positiveNumber(values.count, "--count", true),
      timeoutSeconds: positiveNumber(values.timeout, "--timeout", false),
      maxMessageBytes: positiveNumber(values["max-bytes"], "--max-bytes", true),
      settings: connectionSettings(values, io.env),
    },
    io,
  );
}

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

/**
 * One event as printed: the validated bytes themselves, so that nothing valid is lost to
 * re-serialising (a deeply nested unknown field overflows JSON.stringify). Line breaks are only
 * whitespace between tokens in valid JSON (strings cannot hold them raw), so dropping them is safe.
 */
export function formatEvent(address: string, raw: Buffer, json: boolean): string {
  const event = raw
    .toString("utf8")
    .replace(/[\r\n]/g, "")
    .trim();
  return json ? `{"channel":${JSON.stringify(address)},"event":${event}}` : `${address} ${event}`;
}

/** stderr lines for invalid messages, gaps and errors; an error before the first subscription ends the run. */
function reportingTo(
  io: CliIo,
  settings: ConnectionSettings,
  run: { subscribed: () => boolean; failedToStart: () => void },
): Pick<SubscriberOptions, "onInvalid" | "onGap" | "onError"> {
  return {
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
      if (run.subscribed()) {
        io.stderr(`error: ${error.message}`);
        return;
      }
      // Before the first subscription, any connection error ends the run: a CLI says why, it does not retry.
      io.stderr(describeConnectionError((error as { cause?: unknown }).cause ?? error, settings).message);
      run.failedToStart();
    },
  };
}

/** One Redis or a cluster's seeds, each node connection with the command's deadline. */
function subscriberConnection(settings: ConnectionSettings): NonNullable<SubscriberOptions["connection"]> {
  // A stuck server never closes its side: do not wait the default 2 s for it after giving up.
  const nodeOptions = {
    ...settings.redisOptions,
    connectTimeout: settings.connectTimeoutMs,
    disconnectTimeout: 0,
  };
  if (settings.cluster === undefined) return nodeOptions;
  return { cluster: settings.cluster, clusterOptions: { redisOptions: nodeOptions } };
}

async function runTail(options: TailOptions, io: CliIo): Promise<number> {
  const { topics, count, timeoutSeconds, settings } = options;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  let printed = 0;
  let subscribed = false;
  const neverSubscribed = (what: string) => {
    io.stderr(noAnswerError(settings, what).message);
    finish(EXIT_REDIS_UNAVAILABLE);
  };

  // Typed as a classic subscriber: the topics were checked against --sharded above, and handle() checks again.
  const subscriber: Subscriber = createSubscriber({
    connection: subscriberConnection(settings),
    mode: settings.mode,
    ...(options.maxMessageBytes ? { maxMessageBytes: options.maxMessageBytes } : {}),
    ...reportingTo(io, settings, {
      subscribed: () => subscribed,
      failedToStart: () => finish(EXIT_REDIS_UNAVAILABLE),
    }),
  }) as Subscriber;

  const deadline = setTimeout(() => {
    if (!subscribed) neverSubscribed("not subscribed (is it a Redis server?)");
  }, settings.connectTimeoutMs);
  const timer =
    timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          if (!subscribed) return neverSubscribed(`--timeout ${timeoutSeconds} s passed before subscribing`);
          if (count !== undefined)
            io.stderr(`timed out after ${timeoutSeconds} s with ${printed} of ${count} events`);
          finish(count === undefined ? EXIT_OK : EXIT_FAILURE);
        }, timeoutSeconds * 1000);
  // Interrupted: runCli turns it into 130; stdout closed by its reader: a quiet 0.
  const onStop = () => finish(EXIT_OK);
  io.stop.addEventListener("abort", onStop, { once: true });
  if (io.stop.aborted) onStop();

  try {
    subscriber
      .handleTopics(topics, (_event, { address, raw }) => {
        if (count !== undefined && printed >= count) return;
        printed += 1;
        io.stdout(formatEvent(address, raw, options.json));
        if (count !== undefined && printed >= count) finish(EXIT_OK);
      })
      .then(
        () => {
          subscribed = true;
          io.stderr(`tail: subscribed to ${topics.map((t) => t.name).join(", ")}`);
        },
        (error: unknown) => {
          if (error instanceof SubscriberClosedError) return; // our own close() after finishing
          io.stderr(`subscribing failed: ${(error as Error).message}`);
          finish(EXIT_REDIS_UNAVAILABLE);
        },
      );
    return await finished;
  } finally {
    clearTimeout(deadline);
    clearTimeout(timer);
    io.stop.removeEventListener("abort", onStop);
    await subscriber.close();
  }
}
