import { describe, expect, it } from "vitest";
import { type LatencyPath, openPath } from "../../bench/support/latency-paths.js";
import { offerSlice, PathRound, planSlices, turnOrder } from "../../bench/support/latency-slices.js";
import { channels, type PriceUpdateEvent } from "../../generated/index.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { redisServerForTest } from "../support/redis-for-test.js";

const cleanups = cleanupAfterEach();

describe("planSlices: a round's messages cut into slices", () => {
  it("cuts 6,000 messages at 1,000/s into 24 slices of 250, each after 50 unrecorded", () => {
    const slices = planSlices(6_000, 1_000, { sliceSeconds: 0.25, leadInSeconds: 0.05 });
    expect(slices).toHaveLength(24);
    expect(slices[0]).toEqual({ from: 0, to: 250, leadIn: 50 });
    expect(slices[23]).toEqual({ from: 5_750, to: 6_000, leadIn: 50 });
  });

  it.each([
    [10, 10, 0.25, 0],
    [7, 1_000, 0.25, 0.05],
    [1_001, 5_000, 0.25, 0.05],
    [3, 0.5, 0.25, 0], // a slice holds at least one message
  ])("covers messages 0 to %d once, in order, at %d/s", (messages, rate, sliceSeconds, leadInSeconds) => {
    const slices = planSlices(messages, rate, { sliceSeconds, leadInSeconds });
    const perSlice = Math.max(1, Math.round(rate * sliceSeconds));
    let next = 0;
    for (const slice of slices) {
      expect(slice.from).toBe(next);
      expect(slice.to - slice.from).toBeGreaterThan(0);
      expect(slice.to - slice.from).toBeLessThanOrEqual(perSlice);
      next = slice.to;
    }
    expect(next).toBe(messages);
  });

  it("plans no slice for no message", () => {
    expect(planSlices(0, 1_000, { sliceSeconds: 0.25, leadInSeconds: 0.05 })).toEqual([]);
  });
});

describe("turnOrder: which path sends first", () => {
  const paths = ["raw", "package", "publisher", "subscriber"] as const;

  it("gives every path one turn per slice", () => {
    for (let round = 0; round < 5; round++) {
      for (let slice = 0; slice < 5; slice++) {
        expect([...turnOrder(paths, round, slice)].sort()).toEqual([...paths].sort());
      }
    }
  });

  it("rotates the first path with the slice and with the round", () => {
    expect(turnOrder(paths, 0, 0)).toEqual(["raw", "package", "publisher", "subscriber"]);
    expect(turnOrder(paths, 0, 1)).toEqual(["package", "publisher", "subscriber", "raw"]);
    expect(turnOrder(paths, 1, 0)).toEqual(["package", "publisher", "subscriber", "raw"]);
    const firsts = [0, 1, 2, 3].map((slice) => turnOrder(paths, 2, slice)[0]);
    expect(new Set(firsts).size).toBe(paths.length);
  });
});

const example = channels["price.updated.{symbol}"].examples[0]?.payload as PriceUpdateEvent;

async function pathOnTestServer(sides: Parameters<typeof openPath>[2]): Promise<{
  path: LatencyPath;
  stopServer: () => Promise<void>;
}> {
  const server = await redisServerForTest(cleanups);
  const path = await openPath(server, "AAPL", sides);
  cleanups.push(() => path.close());
  return { path, stopServer: () => server.stop() };
}

describe("offerSlice and PathRound against a real redis-server", () => {
  it.each([
    ["raw", "raw"],
    ["package", "package"],
  ] as const)(
    "%s publish to %s listener: two slices make one round of every message",
    async (sender, receiver) => {
      const { path } = await pathOnTestServer({ sender, receiver });
      const round = new PathRound(path, 40);
      const base = { ...example, symbol: "AAPL" };
      await offerSlice(2_000, round, base, { from: 0, to: 20, leadIn: 5 });
      expect(path.recorder.arrivals).toBe(20);
      await offerSlice(2_000, round, base, { from: 20, to: 40, leadIn: 5 });
      const sample = round.sample();
      expect(sample.sent).toHaveLength(40);
      expect(sample.arrived).toHaveLength(40);
      sample.arrived.forEach((at, i) => {
        expect(at).toBeGreaterThanOrEqual(sample.sent[i] as number);
      });
      expect(sample.seconds).toBeGreaterThan(0);
      expect(sample.cpuMicros).toBeGreaterThan(0);
    },
  );

  it("a failed send ends the wait for arrivals and fails the slice, naming the error", async () => {
    const { path, stopServer } = await pathOnTestServer({ sender: "raw", receiver: "raw" });
    await stopServer();
    const round = new PathRound(path, 10);
    // No deadline: only the failed sends can end the wait.
    const slice = { from: 0, to: 10, leadIn: 0 };
    await expect(
      offerSlice(2_000, round, { ...example, symbol: "AAPL" }, slice, Number.POSITIVE_INFINITY),
    ).rejects.toThrow(/errors during the latency run/);
  });
});
