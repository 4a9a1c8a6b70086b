// The subscriber's failure kinds. None of them is ever thrown at a caller's business code unasked:
// they reach the `error` listeners (or a stream's consumer), each with what is needed to act.

/** The connection to Redis failed or broke; the subscriber reconnects on its own. */
export class SubscriberConnectionError extends Error {
  override readonly name = "SubscriberConnectionError";
  constructor(override readonly cause: unknown) {
    super(`Redis connection error: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/**
 * Redis refused a SUBSCRIBE/PSUBSCRIBE (for example NOPERM). handle(), a stream's `subscribed` and
 * subscribed() reject with it (`retryInMs` undefined: given up); a refused resubscribe of a topic
 * that is still wanted goes to the `error` listeners and is retried after `retryInMs`.
 */
export class SubscribeFailedError extends Error {
  override readonly name = "SubscribeFailedError";
  constructor(
    /** The address or pattern that could not be subscribed. */
    readonly topic: string,
    readonly retryInMs: number | undefined,
    override readonly cause: unknown,
  ) {
    const retry = retryInMs === undefined ? "" : ` (retrying in ${retryInMs} ms)`;
    super(`could not subscribe to ${topic}${retry}: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** No PING reply within the timeout: the socket is presumed dead and the connection is reopened. */
export class HeartbeatTimeoutError extends Error {
  override readonly name = "HeartbeatTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`no PING reply within ${timeoutMs} ms; reconnecting`);
  }
}

/** A handler threw or rejected; other handlers and the connection are unaffected. */
export class HandlerError extends Error {
  override readonly name = "HandlerError";
  constructor(
    /** The concrete address the message arrived on. */
    readonly address: string,
    override readonly cause: unknown,
  ) {
    super(`handler for ${address} failed: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** A stream with `overflow: "error"` received a message while its queue was full. */
export class StreamOverflowError extends Error {
  override readonly name = "StreamOverflowError";
  constructor(readonly highWaterMark: number) {
    super(`stream queue overflowed its high-water mark of ${highWaterMark} events; the consumer is too slow`);
  }
}

/** The subscriber was closed while something still waited for it. */
export class SubscriberClosedError extends Error {
  override readonly name = "SubscriberClosedError";
  constructor() {
    super("the subscriber is closed");
  }
}

/**
 * A pattern subscription (every symbol of `price.updated.{symbol}`) asked of a sharded subscriber:
 * Redis has no sharded PSUBSCRIBE, and a classic PSUBSCRIBE never sees SPUBLISHed messages.
 */
export class ShardedPatternError extends Error {
  override readonly name = "ShardedPatternError";
  constructor(
    /** The pattern that was asked for (`price.updated.*`). */
    readonly topic: string,
  ) {
    super(
      `cannot subscribe to ${topic} in sharded mode: Redis has no sharded pattern subscription. Name the addresses (for example { symbols: ["AAPL", "MSFT"] }), or publish and subscribe this channel in classic mode (see the README, "Redis Cluster")`,
    );
  }
}
