// Which failures the publisher retries, and the shape of its backoff.
import { describe, expect, it } from "vitest";
import {
  ConnectionNotReadyError,
  PublishTimeoutError,
  TooFewSubscribersError,
} from "../../src/publisher/errors.js";
import { backoffDelay, DEFAULT_RETRY, isTransientRedisError } from "../../src/publisher/send/retry.js";

function replyError(message: string): Error {
  return Object.assign(new Error(message), { name: "ReplyError" });
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

describe("isTransientRedisError", () => {
  const cases: [name: string, error: unknown, transient: boolean][] = [
    ["connection refused", socketError("ECONNREFUSED"), true],
    ["connection reset", socketError("ECONNRESET"), true],
    ["broken pipe", socketError("EPIPE"), true],
    ["socket timeout", socketError("ETIMEDOUT"), true],
    ["ioredis: connection closed", new Error("Connection is closed."), true],
    [
      "ioredis: offline queue disabled",
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      true,
    ],
    ["ioredis: command timeout", new Error("Command timed out"), true],
    [
      "ioredis cluster: no node to send to yet",
      new Error("Cluster isn't ready and enableOfflineQueue options is false"),
      true,
    ],
    [
      "ioredis cluster: redirected too often (a slot moving back and forth)",
      new Error("Too many Cluster redirections. Last error: ReplyError: MOVED 866 127.0.0.1:30001"),
      true,
    ],
    [
      "ioredis: max retries per request",
      Object.assign(
        new Error(
          'Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.',
        ),
        { name: "MaxRetriesPerRequestError" },
      ),
      true,
    ],
    ["not ready: never sent", new ConnectionNotReadyError("reconnecting"), true],
    ["no reply in time", new PublishTimeoutError(100), true],
    ["too few subscribers", new TooFewSubscribersError(0, 1), true],
    ["LOADING", replyError("LOADING Redis is loading the dataset in memory"), true],
    ["TRYAGAIN", replyError("TRYAGAIN Multiple keys request during rehashing of slot"), true],
    ["CLUSTERDOWN", replyError("CLUSTERDOWN The cluster is down"), true],
    [
      "MOVED on the cluster fast path: the slot map is refreshed",
      replyError("MOVED 866 127.0.0.1:30001"),
      true,
    ],
    ["ASK on the cluster fast path: the slot is moving", replyError("ASK 866 127.0.0.1:30001"), true],
    ["NOPERM", replyError("NOPERM No permissions to access a channel"), false],
    ["WRONGPASS", replyError("WRONGPASS invalid username-password pair or user is disabled."), false],
    ["NOAUTH", replyError("NOAUTH Authentication required."), false],
    ["ERR", replyError("ERR wrong number of arguments for 'publish' command"), false],
    ["READONLY", replyError("READONLY You can't write against a read only replica."), false],
    ["a reply error that merely mentions LOADING later", replyError("ERR not LOADING"), false],
    ["a programming error", new TypeError("cannot read properties of undefined"), false],
    ["not an Error at all", "ECONNREFUSED", false],
  ];
  it.each(cases)("%s -> transient %s", (_name, error, transient) => {
    expect(isTransientRedisError(error)).toBe(transient);
  });
});

describe("backoffDelay", () => {
  it("grows exponentially up to the cap, between half and all of it", () => {
    const options = { initialDelayMs: 50, maxDelayMs: 1_000 };
    const ceilings = [50, 100, 200, 400, 800, 1_000, 1_000];
    ceilings.forEach((ceiling, index) => {
      expect(backoffDelay(index + 1, options, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(index + 1, options, () => 1)).toBe(ceiling);
    });
  });

  it("has bounded defaults", () => {
    expect(DEFAULT_RETRY.maxAttempts).toBeGreaterThan(1);
    expect(DEFAULT_RETRY.maxElapsedMs).toBeLessThan(10_000);
  });
});
