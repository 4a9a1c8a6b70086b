// Turns a redis:// or rediss:// URL plus extra ioredis options (a CA, a client certificate, a user)
// into one options object, so that a URL from the environment and TLS files can be used together.
import type { RedisOptions } from "ioredis";

/** Not a redis:// or rediss:// URL this package can connect to. */
export class InvalidRedisUrlError extends Error {
  override readonly name = "InvalidRedisUrlError";
  constructor(
    /** The URL with any password masked. */
    readonly url: string,
    readonly reason: string,
  ) {
    super(`invalid Redis URL ${url}: ${reason}`);
  }
}

/** The URL as safe to print: a password is masked. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}

/**
 * ioredis options for `url`, with `extra` on top (`extra.tls` is merged into the TLS a `rediss://` URL
 * asks for). User and password in the URL are percent-decoded; a database number is kept.
 */
export function redisOptionsFromUrl(url: string, extra: RedisOptions = {}): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidRedisUrlError(redactRedisUrl(url), "not a URL");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new InvalidRedisUrlError(redactRedisUrl(url), "the scheme must be redis:// or rediss://");
  }
  if (parsed.search !== "") {
    throw new InvalidRedisUrlError(redactRedisUrl(url), "query parameters are not supported; pass options");
  }
  const options: RedisOptions = { host: parsed.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1" };
  if (parsed.port !== "") options.port = Number(parsed.port);
  if (parsed.username !== "") options.username = decodeURIComponent(parsed.username);
  if (parsed.password !== "") options.password = decodeURIComponent(parsed.password);
  const database = parsed.pathname.slice(1);
  if (database !== "") {
    if (!/^\d+$/.test(database)) {
      throw new InvalidRedisUrlError(
        redactRedisUrl(url),
        `the path must be a database number, not /${database}`,
      );
    }
    options.db = Number(database);
  }
  const tls = parsed.protocol === "rediss:" || extra.tls !== undefined ? tlsObject(extra.tls) : undefined;
  return { ...options, ...extra, ...(tls ? { tls } : {}) };
}

/** A copy of the TLS options to merge into; ioredis >= 6.1 also takes a profile's name, as ioredis turns it into `{ profile }`. */
function tlsObject(tls: RedisOptions["tls"]): Exclude<RedisOptions["tls"], string | undefined> {
  return typeof tls === "string" ? { profile: tls } : { ...tls };
}
