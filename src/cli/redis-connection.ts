// One short-lived Redis connection (or Cluster client) for a CLI command: a single attempt, nothing
// queued, and a deadline on connect plus handshake, so that a stuck server is an exit 3, never a hang.
import { Cluster, Redis } from "ioredis";
import { asTlsConnectionError } from "../connection/tls-failure.js";
import type { ConnectionSettings } from "./connection-options.js";

/** Redis could not be reached, refused the credentials, or did not answer in time. */
export const EXIT_REDIS_UNAVAILABLE = 3;

export type ConnectionFailureKind = "unreachable" | "authentication" | "tls" | "no-answer" | "stopped";

/** Why a command could not get a usable connection; `message` is the line the CLI prints. */
export class CliConnectionError extends Error {
  override readonly name = "CliConnectionError";
  constructor(
    readonly kind: ConnectionFailureKind,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const AUTHENTICATION_REPLY = /^(WRONGPASS|NOAUTH)\b|invalid password|invalid username/i;

/** True for the replies with which Redis refuses credentials (or their absence). */
export function isAuthenticationFailure(error: unknown): boolean {
  return AUTHENTICATION_REPLY.test((error as Error | undefined)?.message ?? "");
}

/** The line to print for a connection error: an authentication failure is not "cannot reach". */
export function describeConnectionError(cause: unknown, settings: ConnectionSettings): CliConnectionError {
  // A Cluster client that reached no node says so, and keeps the last node's own error.
  const error = (cause as { lastNodeError?: unknown } | undefined)?.lastNodeError ?? cause;
  const reason = (error as Error | undefined)?.message ?? String(error);
  const tls = asTlsConnectionError(error);
  if (tls) {
    return new CliConnectionError(
      "tls",
      `TLS failed with Redis at ${settings.displayUrl}: ${tls.reason}`,
      tls,
    );
  }
  if (isAuthenticationFailure(error)) {
    return new CliConnectionError(
      "authentication",
      `authentication failed at Redis ${settings.displayUrl}: ${reason}`,
      error,
    );
  }
  return new CliConnectionError(
    "unreachable",
    `cannot reach Redis at ${settings.displayUrl}: ${reason}`,
    error,
  );
}

/** The line to print when the deadline passed; `what` says what had not happened yet. */
export function noAnswerError(settings: ConnectionSettings, what: string): CliConnectionError {
  const seconds = settings.connectTimeoutMs / 1000;
  return new CliConnectionError(
    "no-answer",
    `no answer from Redis at ${settings.displayUrl} within ${seconds} s (--connect-timeout): ${what}`,
  );
}

/**
 * A ready connection (TCP, AUTH, ready check done) within the deadline, else a CliConnectionError.
 * Aborting `stop` (ctrl-C) ends the attempt at once with kind "stopped".
 */
export async function connectWithDeadline(
  settings: ConnectionSettings,
  stop: AbortSignal,
): Promise<Redis | Cluster> {
  const redis = openClient(settings);
  let firstError: unknown;
  redis.on("error", (error: unknown) => {
    firstError ??= error;
  });
  let failure: CliConnectionError | undefined;
  const fail = (error: CliConnectionError) => {
    failure ??= error;
    redis.disconnect();
  };
  const timer = setTimeout(() => {
    const tcpOpen = redis.status === "connect";
    fail(
      noAnswerError(
        settings,
        tcpOpen
          ? "it accepted the connection but never answered the handshake"
          : "the connection was not established",
      ),
    );
  }, settings.connectTimeoutMs);
  const onStop = () => fail(new CliConnectionError("stopped", "stopped before Redis answered"));
  stop.addEventListener("abort", onStop, { once: true });
  try {
    if (stop.aborted) onStop();
    else await redis.connect();
    if (failure) throw failure;
    return redis;
  } catch (error) {
    // connect() only says "Connection is closed"; the error event says why (ECONNREFUSED, WRONGPASS).
    redis.disconnect();
    throw failure ?? describeConnectionError(firstError ?? error, settings);
  } finally {
    clearTimeout(timer);
    stop.removeEventListener("abort", onStop);
  }
}

/** A client that makes one attempt and queues nothing: a Cluster client for --cluster, else a Redis. */
function openClient(settings: ConnectionSettings): Redis | Cluster {
  const common = {
    ...settings.redisOptions,
    maxRetriesPerRequest: 0,
    connectTimeout: settings.connectTimeoutMs,
    // A stuck server never closes its side: do not wait the default 2 s for it after giving up.
    disconnectTimeout: 0,
  };
  if (settings.cluster === undefined) {
    return new Redis({ ...common, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  }
  return new Cluster([...settings.cluster], {
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: () => null,
    redisOptions: common,
  });
}
