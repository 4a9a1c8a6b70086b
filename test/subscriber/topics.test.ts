// Topics, the dedup window and the stream queue on their own: the pieces the subscriber is built from.
import { describe, expect, it } from "vitest";
import type { ChannelName } from "../../generated/index.js";
import { UnknownChannelError } from "../../src/errors.js";
import { createDedupWindow } from "../../src/subscriber/dedup/dedup-window.js";
import { parseTopic, StreamOverflowError, topicsFor } from "../../src/subscriber/index.js";
import { createEventQueue } from "../../src/subscriber/receive/event-queue.js";

describe("parseTopic", () => {
  it.each([
    [
      "signals.generated",
      { kind: "address", channel: "signals.generated", name: "signals.generated", parameters: {} },
    ],
    [
      "price.updated.BRK.B",
      {
        kind: "address",
        channel: "price.updated.{symbol}",
        name: "price.updated.BRK.B",
        parameters: { symbol: "BRK.B" },
      },
    ],
    ["price.updated.*", { kind: "pattern", channel: "price.updated.{symbol}", name: "price.updated.*" }],
    [
      "price.updated.{symbol}",
      { kind: "pattern", channel: "price.updated.{symbol}", name: "price.updated.*" },
    ],
    ["signals.*", undefined],
    ["price.updated.A*", undefined],
    ["price.updated.", undefined],
    ["orders", undefined],
  ])("%s", (text, want) => {
    expect(parseTopic(text)).toEqual(want);
  });
});

describe("topicsFor", () => {
  it("subscribes a channel without parameters by its address", () => {
    expect(topicsFor("orders.executed")).toEqual([
      { kind: "address", channel: "orders.executed", name: "orders.executed", parameters: {} },
    ]);
  });

  it("subscribes every symbol by pattern, chosen symbols by address, each once", () => {
    expect(topicsFor("price.updated.{symbol}").map((t) => `${t.kind} ${t.name}`)).toEqual([
      "pattern price.updated.*",
    ]);
    expect(
      topicsFor("price.updated.{symbol}", { symbols: ["AAPL", "BRK.B", "AAPL"] }).map(
        (t) => `${t.kind} ${t.name}`,
      ),
    ).toEqual(["address price.updated.AAPL", "address price.updated.BRK.B"]);
  });

  it.each([
    ["a missing letter", "signals.generatd", "signals.generated"],
    ["a plural", "orders.executeds", "orders.executed"],
    ["an address instead of the channel name", "price.updated.AAPL", "price.updated.{symbol}"],
    ["a misspelled parameterised channel", "price.update.{symbol}", "price.updated.{symbol}"],
  ])("an unknown channel (%s) is an UnknownChannelError naming the closest one", (_reason, name, closest) => {
    const attempt = () => topicsFor(name as ChannelName);
    expect(attempt).toThrow(UnknownChannelError);
    expect(attempt).toThrow(closest);
    try {
      attempt();
    } catch (error) {
      expect((error as UnknownChannelError).closestChannel).toBe(closest);
    }
  });

  it.each([["A*"], [""], ["has space"], ["X".repeat(33)]])("rejects the symbol %j", (symbol) => {
    expect(() => topicsFor("price.updated.{symbol}", { symbols: [symbol] })).toThrow(UnknownChannelError);
  });
});

describe("dedup window", () => {
  it("forgets the oldest id beyond its capacity", () => {
    const window = createDedupWindow(2);
    expect(["a", "a", "b", "c", "a", "c"].map((id) => window.seen(id))).toEqual([
      false,
      true,
      false,
      false,
      false,
      true,
    ]);
    expect(window.size).toBe(2);
  });

  it("remembers exactly the last `capacity` ids after many evictions", () => {
    const window = createDedupWindow(1000);
    for (let n = 0; n < 5000; n++) expect(window.seen(`id-${n}`)).toBe(false);
    expect(window.size).toBe(1000);
    expect(window.seen("id-3999")).toBe(false); // forgotten: the window is ids 4000..4999
    expect(window.seen("id-4999")).toBe(true);
    expect(window.seen("id-4001")).toBe(true);
    expect(window.seen("id-4000")).toBe(false); // evicted by id-3999's re-entry
  });
});

describe("event queue", () => {
  const run = (overflow: "drop-oldest" | "drop-newest" | "error") => {
    let dropped = 0;
    let detached = 0;
    const queue = createEventQueue<number>({
      highWaterMark: 2,
      overflow,
      onDrop: () => dropped++,
      onDetach: () => detached++,
    });
    for (const n of [1, 2, 3, 4]) queue.push(n);
    return { queue, dropped: () => dropped, detached: () => detached };
  };

  it.each([
    ["drop-oldest", [3, 4]],
    ["drop-newest", [1, 2]],
  ] as const)("%s keeps %j and stays attached", async (overflow, want) => {
    const { queue, dropped, detached } = run(overflow);
    expect(dropped()).toBe(2);
    expect([(await queue.next()).value, (await queue.next()).value]).toEqual(want);
    expect(detached()).toBe(0);
    await queue.return?.();
    expect(detached()).toBe(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it("error hands out the queued events, then fails, and detaches at once", async () => {
    const { queue, dropped, detached } = run("error");
    expect(dropped()).toBe(1);
    expect(detached()).toBe(1);
    expect([(await queue.next()).value, (await queue.next()).value]).toEqual([1, 2]);
    await expect(queue.next()).rejects.toBeInstanceOf(StreamOverflowError);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it("fail() hands out the queued events, then throws its error, and detaches at once", async () => {
    const { queue, detached } = run("drop-oldest");
    const refusal = new Error("refused");
    queue.fail(refusal);
    expect(detached()).toBe(1);
    queue.push(9); // ignored: the queue has ended
    expect([(await queue.next()).value, (await queue.next()).value]).toEqual([3, 4]);
    await expect(queue.next()).rejects.toBe(refusal);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it("a waiting consumer gets the next push directly", async () => {
    const { queue } = run("drop-oldest");
    await queue.next();
    await queue.next();
    const waiting = queue.next();
    queue.push(5);
    expect(await waiting).toEqual({ value: 5, done: false });
  });
});
