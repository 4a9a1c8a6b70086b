// The Redis connection options that `publish` and `tail` share: where Redis is (--redis, $REDIS_URL)
// and how long connecting may take (--connect-timeout), parsed into one ConnectionSettings.
import type { RedisOptions } from "ioredis";
import { InvalidRedisUrlError, redactRedisUrl, redisOptionsFromUrl } from "../connection/redis-url.js";
import { UsageError } from "./io.js";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;

/** For parseArgs: spread into a command's `options`. */
export const connectionOptionSpecs = {
  redis: { type: "string" },
  "connect-timeout": { type: "string" },
} as const;

/** The help lines for the options above, aligned with the commands' own. */
export const connectionOptionsHelp = `  --redis <url>              redis:// or rediss:// (TLS) URL, with user and password if any
                             (redis://user:password@host:port/db); default: $REDIS_URL, else
                             ${DEFAULT_REDIS_URL}
  --connect-timeout <s>      connecting, authenticating and the first reply must take at most
                             this long, else exit 3 (default ${DEFAULT_CONNECT_TIMEOUT_SECONDS})`;

export interface ConnectionOptionValues {
  readonly redis?: string | undefined;
  readonly "connect-timeout"?: string | undefined;
}

export interface ConnectionSettings {
  /** The URL as safe to print: a password is masked. */
  readonly displayUrl: string;
  /** Deadline for connect plus handshake (AUTH, ready check) plus, for tail, the subscriptions. */
  readonly connectTimeoutMs: number;
  /** ioredis options naming the server and credentials; commands add their own retry behaviour. */
  readonly redisOptions: ServerOptions;
}

/** ioredis options that say where and who: the reply mapping is each client's own business. */
export type ServerOptions = Omit<RedisOptions, "replyMapping">;

export function connectionSettings(
  values: ConnectionOptionValues,
  env: Record<string, string | undefined>,
): ConnectionSettings {
  const url = values.redis ?? (env.REDIS_URL || undefined) ?? DEFAULT_REDIS_URL;
  const seconds = positiveSeconds(values["connect-timeout"]) ?? DEFAULT_CONNECT_TIMEOUT_SECONDS;
  return {
    displayUrl: redactRedisUrl(url),
    connectTimeoutMs: Math.round(seconds * 1000),
    redisOptions: serverOptions(url),
  };
}

/** The package's one URL rule (src/connection/redis-url.ts); a bad --redis is a usage error. */
function serverOptions(url: string): ServerOptions {
  try {
    const { replyMapping: _ignored, ...options } = redisOptionsFromUrl(url);
    return options;
  } catch (error) {
    if (error instanceof InvalidRedisUrlError) throw new UsageError(`--redis: ${error.message}`);
    throw error;
  }
}

function positiveSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(
      `--connect-timeout must be a positive number of seconds, not ${JSON.stringify(text)}`,
    );
  }
  return value;
}
