// The publisher's failure kinds. Invalid payloads are the shared ContractValidationError.

/** A publish that failed and was not buffered: a non-transient error, or retries exhausted with buffering off. */
export class PublishError extends Error {
  override readonly name = "PublishError";
  constructor(
    /** The concrete Redis channel. */
    readonly channel: string,
    readonly eventId: string,
    /** How many times PUBLISH was attempted (0 when the connection was never usable). */
    readonly attempts: number,
    /** True when the last error was transient (retries ran out); false when it was never worth retrying. */
    readonly transient: boolean,
    override readonly cause: unknown,
  ) {
    super(
      `publish to ${channel} failed after ${attempts} attempt(s) (${transient ? "transient" : "not retried"}): ${describe(cause)}`,
    );
  }
}

/** publish() after close(). */
export class PublisherClosedError extends Error {
  override readonly name = "PublisherClosedError";
  constructor(readonly channel: string) {
    super(`the publisher is closed; nothing was sent to ${channel}`);
  }
}

/** The client was not ready, so PUBLISH was not sent (it would have waited in ioredis's offline queue). */
export class ConnectionNotReadyError extends Error {
  override readonly name = "ConnectionNotReadyError";
  constructor(readonly status: string) {
    super(`the Redis connection is not ready (status ${status})`);
  }
}

/** PUBLISH got no reply within the publisher's command timeout: it may or may not have been delivered. */
export class PublishTimeoutError extends Error {
  override readonly name = "PublishTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`no reply to PUBLISH within ${timeoutMs} ms`);
  }
}

/** PUBLISH reached fewer subscribers than the channel requires (`minSubscribers`). */
export class TooFewSubscribersError extends Error {
  override readonly name = "TooFewSubscribersError";
  constructor(
    readonly subscribers: number,
    readonly required: number,
  ) {
    super(`PUBLISH reached ${subscribers} subscriber(s), fewer than the required ${required}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
