// Decides which Redis failures are worth retrying and how long to wait: exponential backoff with
// jitter, bounded in attempts and in total time.
import { ConnectionNotReadyError, PublishTimeoutError, TooFewSubscribersError } from "../errors.js";

export interface RetryOptions {
  /** PUBLISH attempts per message, the first included; default 4. */
  readonly maxAttempts?: number;
  /** Backoff before the second attempt; doubled each time; default 50 ms. */
  readonly initialDelayMs?: number;
  /** Upper bound of one backoff; default 1,000 ms. */
  readonly maxDelayMs?: number;
  /** No retry starts later than this after the first attempt; default 3,000 ms. */
  readonly maxElapsedMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxAttempts: 4,
  initialDelayMs: 50,
  maxDelayMs: 1_000,
  maxElapsedMs: 3_000,
};

/**
 * Reply errors that say "not now" rather than "no": the server is loading, resharding or failing over. MOVED
 * and ASK reach the lanes only from the cluster fast path (the Cluster follows them for what it sends): the
 * slot map is being refreshed meanwhile, and the retry goes to the master it then names.
 */
const TRANSIENT_REPLY_PREFIXES = ["LOADING", "TRYAGAIN", "CLUSTERDOWN", "MOVED", "ASK"];

/** A Redis reply error (ioredis's ReplyError): the server answered, so the connection is answering. */
export function isReplyError(error: unknown): error is Error & { readonly name: "ReplyError" } {
  return error instanceof Error && error.name === "ReplyError";
}

const TRANSIENT_SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTCONN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
]);

// ioredis's messages for a command that could not be written or whose connection went away.
const TRANSIENT_CLIENT_MESSAGES = [
  "Connection is closed.",
  "Stream isn't writeable",
  "Command timed out",
  "Command aborted due to connection close",
  "Reached the max retries per request limit",
  // A Cluster's: no node to send to yet, or redirected (MOVED/ASK) more often than maxRedirections allows.
  "Cluster isn't ready",
  "Too many Cluster redirections",
];

/** True for failures that a later attempt may not meet: a closed, refused or reset connection, a timeout, LOADING, TRYAGAIN, CLUSTERDOWN. */
export function isTransientRedisError(error: unknown): boolean {
  if (
    error instanceof ConnectionNotReadyError ||
    error instanceof PublishTimeoutError ||
    error instanceof TooFewSubscribersError
  ) {
    return true;
  }
  if (!(error instanceof Error)) return false;
  if (isReplyError(error)) {
    const code = error.message.split(" ", 1)[0] ?? "";
    return TRANSIENT_REPLY_PREFIXES.includes(code);
  }
  if (error.name === "MaxRetriesPerRequestError" || error.name === "AbortError") return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && TRANSIENT_SOCKET_CODES.has(code)) return true;
  return TRANSIENT_CLIENT_MESSAGES.some((message) => error.message.startsWith(message));
}

/** The wait before attempt `attempt + 1` (attempt counts from 1): "equal jitter" under an exponential cap. */
export function backoffDelay(
  attempt: number,
  options: Pick<Required<RetryOptions>, "initialDelayMs" | "maxDelayMs">,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1));
  // Half fixed, half random: never zero (no hot loop), still spread out across many publishers.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
