// Which replies the cluster fast path treats as an out-of-date slot map. Its sending, MOVED handling and
// order are tested on a real cluster in cluster-publisher.test.ts.
import { describe, expect, it } from "vitest";
import { isRedirect } from "../../src/publisher/send/cluster-attempts.js";

function replyError(message: string): Error {
  return Object.assign(new Error(message), { name: "ReplyError" });
}

describe("isRedirect", () => {
  it.each([
    ["MOVED: the slot has moved", replyError("MOVED 866 127.0.0.1:30001"), true],
    ["ASK: the slot is moving", replyError("ASK 866 127.0.0.1:30001"), true],
    ["CLUSTERDOWN: not a redirect, retried as it is", replyError("CLUSTERDOWN The cluster is down"), false],
    ["a word that only starts like one", replyError("MOVEDX 866 127.0.0.1:30001"), false],
    ["not a reply: a client's own error with the same words", new Error("MOVED 866 127.0.0.1:30001"), false],
    ["not an error at all", "MOVED 866 127.0.0.1:30001", false],
  ])("%s", (_name, error, redirect) => {
    expect(isRedirect(error)).toBe(redirect);
  });
});
