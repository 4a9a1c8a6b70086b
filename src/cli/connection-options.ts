// The Redis connection options that `publish` and `tail` share: where Redis is (--redis, $REDIS_URL, or
// a cluster's seeds with --cluster), which pub/sub (--sharded), who connects (--user, --password-file),
// TLS files (--tls-*) and how long connecting may take (--connect-timeout), parsed into one
// ConnectionSettings. A password never comes from argv.
import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import type { RedisOptions } from "ioredis";
import { passwordsIn } from "../acl/password-dir.js";
import type { PubSubMode } from "../connection/cluster-options.js";
import { InvalidRedisUrlError, redactRedisUrl, redisOptionsFromUrl } from "../connection/redis-url.js";
import { UsageError } from "./io.js";

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;

/** For parseArgs: spread into a command's `options`. */
export const connectionOptionSpecs = {
  redis: { type: "string" },
  cluster: { type: "string", multiple: true },
  sharded: { type: "boolean", default: false },
  user: { type: "string" },
  "password-file": { type: "string" },
  "tls-ca": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "tls-server-name": { type: "string" },
  "connect-timeout": { type: "string" },
} as const;

/** The help lines for the options above, aligned with the commands' own. */
export const connectionOptionsHelp = `  --redis <url>              redis:// or rediss:// (TLS) URL, with user and password if any
                             (redis://user:password@host:port/db); default: $REDIS_URL, else
                             ${DEFAULT_REDIS_URL}
  --cluster <url>            a Redis Cluster instead: a seed node's URL; repeat it or give several
                             separated by commas (the first URL's user, password and TLS apply to
                             every node)
  --sharded                  sharded pub/sub (SPUBLISH / SSUBSCRIBE, Redis 7+) instead of classic:
                             each channel stays on the shard that owns its slot; no patterns
  --user <name>              the ACL user (instead of the URL's)
  --password-file <file>     the user's password: the file's one line (instead of the URL's)
  --tls-ca <file>            PEM CA that signed the server's certificate (turns TLS on)
  --tls-cert <file>          PEM client certificate, for servers that require one; with --tls-key
  --tls-key <file>           PEM key of --tls-cert
  --tls-server-name <name>   the name the server's certificate must carry (default: the host)
  --connect-timeout <s>      connecting, authenticating and the first reply must take at most
                             this long, else exit 3 (default ${DEFAULT_CONNECT_TIMEOUT_SECONDS})`;

export interface ConnectionOptionValues {
  readonly redis?: string | undefined;
  readonly cluster?: readonly string[] | undefined;
  readonly sharded?: boolean | undefined;
  readonly user?: string | undefined;
  readonly "password-file"?: string | undefined;
  readonly "tls-ca"?: string | undefined;
  readonly "tls-cert"?: string | undefined;
  readonly "tls-key"?: string | undefined;
  readonly "tls-server-name"?: string | undefined;
  readonly "connect-timeout"?: string | undefined;
}

export interface ConnectionSettings {
  /** The URL (or the cluster's seed URLs) as safe to print: a password is masked. */
  readonly displayUrl: string;
  /** A cluster's seed nodes (--cluster); undefined for a single Redis. */
  readonly cluster: readonly { readonly host: string; readonly port: number }[] | undefined;
  readonly mode: PubSubMode;
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
  const seconds = positiveSeconds(values["connect-timeout"]) ?? DEFAULT_CONNECT_TIMEOUT_SECONDS;
  const common = {
    connectTimeoutMs: Math.round(seconds * 1000),
    mode: values.sharded ? ("sharded" as const) : ("classic" as const),
  };
  const extra = { ...credentials(values), ...tlsOptions(values) };
  if (values.cluster !== undefined) {
    if (values.redis !== undefined) throw new UsageError("give either --redis or --cluster, not both");
    return { ...common, ...clusterSettings(values.cluster, extra) };
  }
  const url = values.redis ?? (env.REDIS_URL || undefined) ?? DEFAULT_REDIS_URL;
  return {
    ...common,
    displayUrl: redactRedisUrl(url),
    cluster: undefined,
    redisOptions: serverOptions("--redis", url, extra),
  };
}

/** Seeds from every --cluster (each may list several, comma-separated); the first one's credentials and TLS. */
function clusterSettings(
  urls: readonly string[],
  extra: RedisOptions,
): Pick<ConnectionSettings, "displayUrl" | "cluster" | "redisOptions"> {
  const seeds = urls.flatMap((text) => text.split(",")).map((url) => url.trim());
  if (seeds.some((url) => url === "")) throw new UsageError("--cluster: an empty seed URL");
  const parsed = seeds.map((url) => serverOptions("--cluster", url, extra));
  if (parsed.some((options) => (options.db ?? 0) !== 0)) {
    throw new UsageError("--cluster: a cluster has only database 0; leave the path out of the URLs");
  }
  const { host: _host, port: _port, db: _db, ...nodeOptions } = parsed[0] as ServerOptions;
  return {
    displayUrl: seeds.map(redactRedisUrl).join(", "),
    cluster: parsed.map(({ host, port }) => ({ host: host ?? "127.0.0.1", port: port ?? 6379 })),
    redisOptions: nodeOptions,
  };
}

/** The package's one URL rule (src/connection/redis-url.ts); a bad --redis or --cluster is a usage error. */
function serverOptions(option: string, url: string, extra: RedisOptions): ServerOptions {
  try {
    const { replyMapping: _ignored, ...options } = redisOptionsFromUrl(url, extra);
    return options;
  } catch (error) {
    if (error instanceof InvalidRedisUrlError) throw new UsageError(`${option}: ${error.message}`);
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

function readOptionFile(option: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${file}: ${(error as Error).message}`);
  }
}

function credentials(values: ConnectionOptionValues): RedisOptions {
  const options: RedisOptions = {};
  if (values.user !== undefined) {
    if (values.user === "") throw new UsageError("--user must not be empty");
    options.username = values.user;
  }
  const file = values["password-file"];
  if (file !== undefined) {
    const passwords = passwordsIn(readOptionFile("--password-file", file).toString("utf8"));
    if (passwords.length !== 1) {
      throw new UsageError(`--password-file: ${file} must hold exactly one line, the password`);
    }
    options.password = passwords[0] as string;
  }
  return options;
}

/** TLS files from --tls-*; any of them turns TLS on, as rediss:// does. */
function tlsOptions(values: ConnectionOptionValues): RedisOptions {
  const { "tls-ca": ca, "tls-cert": cert, "tls-key": key, "tls-server-name": servername } = values;
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError("--tls-cert and --tls-key go together");
  }
  const tls: ConnectionOptions = {};
  if (ca !== undefined) tls.ca = readOptionFile("--tls-ca", ca);
  if (cert !== undefined) tls.cert = readOptionFile("--tls-cert", cert);
  if (key !== undefined) tls.key = readOptionFile("--tls-key", key);
  if (servername !== undefined) tls.servername = servername;
  return Object.keys(tls).length > 0 ? { tls } : {};
}
