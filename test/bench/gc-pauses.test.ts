import { describe, expect, it } from "vitest";
import { type GcPause, GcPauseRecorder, waitedOnPause } from "../../bench/support/gc-pauses.js";

const pauses: GcPause[] = [
  { start: 10, end: 12, major: false },
  { start: 20, end: 21, major: false },
  { start: 30, end: 35, major: true },
];

describe("waitedOnPause: whether a message in flight from sent to arrived overlapped a collection", () => {
  it.each([
    [0, 5, false], // before every pause
    [9, 11, true], // arrived during the first
    [11, 15, true], // sent during the first
    [12, 20, false], // between two: touching an end or a start is not waiting
    [13, 19, false],
    [19, 40, true], // spans two
    [36, 50, false], // after every pause
    [31, 33, true], // inside the last
  ])("sent %d, arrived %d: %s", (sent, arrived, expected) => {
    expect(waitedOnPause(pauses, sent, arrived)).toBe(expected);
  });

  it("no pauses: no message waited", () => {
    expect(waitedOnPause([], 0, 100)).toBe(false);
  });
});

describe("GcPauseRecorder", () => {
  it("records the collections between start and stop, oldest first, and none after", async () => {
    const recorder = new GcPauseRecorder();
    recorder.start();
    // Enough short-lived garbage (held a while, so that it is really allocated) for scavenges.
    let held: number[][] = [];
    for (let i = 0; i < 2_000_000; i++) {
      held.push([i, i + 1]);
      if (held.length === 1_000) held = [];
    }
    const recorded = await recorder.stop();
    expect(recorded.length).toBeGreaterThan(0);
    for (const [i, pause] of recorded.entries()) {
      expect(pause.end).toBeGreaterThanOrEqual(pause.start);
      if (i > 0) expect(pause.start).toBeGreaterThanOrEqual((recorded[i - 1] as GcPause).start);
    }
  });
});
