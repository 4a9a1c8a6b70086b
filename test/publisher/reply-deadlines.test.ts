// The reply deadlines on their own: one timer for every attempt awaiting a reply, answered attempts
// forgotten, and a blocked event loop never counted as a reply that stayed away.
import { describe, expect, it } from "vitest";
import { type AwaitedAttempt, ReplyDeadlines } from "../../src/publisher/send/reply-deadlines.js";

interface Item extends AwaitedAttempt {
  readonly name: string;
}

const item = (name: string): Item => ({ name, attempt: 1, timeoutAt: 0 });

function blockEventLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy
  }
}

/** Deadlines whose timeouts are recorded; `next()` resolves at the next timeout. */
function recorded(timeoutMs: number) {
  const timedOut: string[] = [];
  let wake: (() => void) | undefined;
  const deadlines = new ReplyDeadlines<Item>(timeoutMs, (timed, attempt) => {
    timedOut.push(`${timed.name}#${attempt}`);
    wake?.();
  });
  const next = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  return { deadlines, timedOut, next };
}

describe("ReplyDeadlines", () => {
  it("times out an attempt left without reply, once, with the attempt that was tracked", async () => {
    const { deadlines, timedOut, next } = recorded(20);
    const a = item("a");
    deadlines.track(a, Date.now());
    await next();
    expect(timedOut).toEqual(["a#1"]);
    const b = item("b");
    deadlines.track(b, Date.now());
    await next();
    expect(timedOut).toEqual(["a#1", "b#1"]);
  });

  it("forgets an answered attempt, and a resent one times out only as its new attempt", async () => {
    const { deadlines, timedOut, next } = recorded(20);
    const answered = item("answered");
    const resent = item("resent");
    deadlines.track(answered, Date.now());
    deadlines.track(resent, Date.now());
    answered.attempt = 0; // its reply came
    resent.attempt = 2; // sent again: the first attempt's deadline no longer applies
    deadlines.track(resent, Date.now());
    await next();
    expect(timedOut).toEqual(["resent#2"]);
  });

  it("forgets answered attempts as new ones are tracked, not a whole timeout later", () => {
    const { deadlines } = recorded(60_000);
    // Steady pipelining: each reply comes before the next send. Held until the timer, every message of
    // the last minute would stay reachable (and be copied by each garbage collection).
    for (let i = 0; i < 1_000; i++) {
      const sent = item(`m${i}`);
      deadlines.track(sent, Date.now());
      sent.attempt = 0; // its reply came
    }
    expect(deadlines.size).toBe(1);
    const unanswered = item("unanswered");
    deadlines.track(unanswered, Date.now());
    deadlines.track(item("later"), Date.now());
    expect(deadlines.size).toBe(2); // an unanswered one keeps itself and the later ones
    deadlines.clear();
  });

  it("a blocked event loop is not a timeout: the late timer grants a new one, and the reply read next counts", async () => {
    const { deadlines, timedOut, next } = recorded(50);
    const stalled = item("stalled");
    deadlines.track(stalled, Date.now());
    blockEventLoop(250); // the timer is due meanwhile; the reply "arrives" but is not read yet
    // Read after the timers phase, as a socket's data is: the poll phase comes before setImmediate.
    setImmediate(() => {
      stalled.attempt = 0;
      deadlines.noteReply();
      deadlines.track(item("sentinel"), Date.now());
    });
    await next();
    expect(timedOut).toEqual(["sentinel#1"]);
  });

  it("clear() drops every deadline and its timer", async () => {
    const { deadlines, timedOut, next } = recorded(20);
    deadlines.track(item("cleared"), Date.now());
    deadlines.clear();
    expect(deadlines.size).toBe(0);
    deadlines.track(item("after"), Date.now());
    await next();
    expect(timedOut).toEqual(["after#1"]);
  });
});
