// The dedup window, its per-channel policy and the body key on their own, with an explicit clock.
import { describe, expect, it } from "vitest";
import { bodyKey } from "../../src/subscriber/dedup/body-key.js";
import { DEFAULT_DEDUP, dedupForChannel } from "../../src/subscriber/dedup/dedup-policy.js";
import { createDedupWindow } from "../../src/subscriber/dedup/dedup-window.js";

describe("dedup window bounded by age", () => {
  it("forgets keys older than maxAgeMs, keeps younger ones", () => {
    const window = createDedupWindow({ maxEntries: 100, maxAgeMs: 1_000 });
    expect(window.seen("a", 0)).toBe(false);
    expect(window.seen("b", 500)).toBe(false);
    expect(window.seen("a", 1_000)).toBe(true); // exactly maxAgeMs old: still remembered
    expect(window.seen("a", 1_001)).toBe(false); // older: forgotten, recorded again
    expect(window.seen("b", 1_001)).toBe(true);
    expect(window.size).toBe(2);
    expect(window.seen("c", 10_000)).toBe(false); // a quiet spell forgets everything before it
    expect(window.size).toBe(1);
  });

  it("a copy does not refresh its key: the first sighting starts the clock", () => {
    const window = createDedupWindow({ maxEntries: 100, maxAgeMs: 1_000 });
    window.seen("a", 0);
    expect(window.seen("a", 900)).toBe(true);
    expect(window.seen("a", 1_500)).toBe(false);
  });

  it("the count bound applies too, whichever comes first", () => {
    const window = createDedupWindow({ maxEntries: 3, maxAgeMs: 60_000 });
    for (const key of ["a", "b", "c", "d"]) window.seen(key, 0);
    expect(window.size).toBe(3);
    expect(window.seen("a", 0)).toBe(false);
    expect(window.seen("d", 0)).toBe(true);
  });

  it("grows on demand and keeps arrival order across growth and wrap-around", () => {
    const window = createDedupWindow({ maxEntries: 1_000, maxAgeMs: 100 });
    for (let n = 0; n < 2_500; n++) expect(window.seen(`k${n}`, n)).toBe(false);
    // At 2,499 the window holds k1500..k2499 (count), and ages forget below 2,399.
    expect(window.seen("k2450", 2_499)).toBe(true);
    expect(window.size).toBe(101);
    expect(window.seen("k2398", 2_499)).toBe(false);
  });

  it.each([
    ["a zero count", { maxEntries: 0 }],
    ["a fractional count", { maxEntries: 1.5 }],
    ["a zero age", { maxEntries: 10, maxAgeMs: 0 }],
    ["a negative age", { maxEntries: 10, maxAgeMs: -1 }],
    ["an age that is not a number", { maxEntries: 10, maxAgeMs: Number.NaN }],
  ])("refuses %s", (_reason, options) => {
    expect(() => createDedupWindow(options)).toThrow(RangeError);
  });
});

describe("dedup policy per channel", () => {
  it.each([
    [
      "defaults: on for every channel, by event_id only",
      undefined,
      undefined,
      "signals.generated",
      true,
      false,
    ],
    ["dedup: false turns it off", false, undefined, "signals.generated", false, false],
    ["dedupWindow: false (the shorthand) turns it off", undefined, false, "signals.generated", false, false],
    [
      "a channel set to false has none, the others keep it",
      { channels: { "price.updated.{symbol}": false } },
      undefined,
      "price.updated.{symbol}",
      false,
      false,
    ],
    [
      "…while another channel keeps the default",
      { channels: { "price.updated.{symbol}": false } },
      undefined,
      "orders.executed",
      true,
      false,
    ],
    ["byBody applies to every channel", { byBody: true }, undefined, "orders.executed", true, true],
    [
      "a channel's override wins over the shared setting",
      { byBody: true, channels: { "orders.executed": { byBody: false } } },
      undefined,
      "orders.executed",
      true,
      false,
    ],
  ] as const)("%s", (_name, dedup, dedupWindow, channel, enabled, byBody) => {
    const policy = dedupForChannel(channel, dedup, dedupWindow);
    expect(policy !== undefined).toBe(enabled);
    if (policy) expect(policy.byBody).toBe(byBody);
  });

  it("the default window is 100,000 keys and 5 minutes", () => {
    expect(DEFAULT_DEDUP).toEqual({ maxEntries: 100_000, maxAgeMs: 300_000, byBody: false });
    const window = dedupForChannel("signals.generated", undefined, undefined)?.create();
    window?.seen("a", 0);
    expect(window?.seen("a", 300_000)).toBe(true);
    expect(window?.seen("a", 300_001)).toBe(false);
  });

  it("a bad bound fails when the policy is made, not at the first message", () => {
    expect(() => dedupForChannel("signals.generated", { maxAgeMs: 0 }, undefined)).toThrow(RangeError);
    expect(() => dedupForChannel("signals.generated", undefined, 0)).toThrow(RangeError);
  });
});

describe("body key", () => {
  it("is equal for equal bytes and differs for one changed byte", () => {
    const body = Buffer.from('{"symbol":"AAPL","price":"1.5"}');
    const changed = Buffer.from('{"symbol":"AAPL","price":"1.6"}');
    expect(bodyKey(body)).toBe(bodyKey(Buffer.from(body)));
    expect(bodyKey(body)).not.toBe(bodyKey(changed));
    expect(bodyKey(body)).toMatch(/^[A-Za-z0-9+/]{27}=$/); // SHA-1, base64: never a uuid event_id
  });
});
