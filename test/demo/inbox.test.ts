// The demo's inbox: items come out in the order they went in, whether they arrived before or after the wait.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createInbox } from "../../scripts/demo/inbox.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("createInbox", () => {
  it("hands out items pushed before and after next(), in push order", async () => {
    const inbox = createInbox<number>(1_000);
    inbox.push(1);
    inbox.push(2);
    expect(await inbox.next("the first")).toBe(1);
    const third = [inbox.next("the second"), inbox.next("the third")];
    inbox.push(3);
    expect(await Promise.all(third)).toEqual([2, 3]);
  });

  it("rejects a wait with what it waited for once waitMs has passed", async () => {
    vi.useFakeTimers();
    const inbox = createInbox<number>(500);
    const waiting = inbox.next("a price update");
    vi.advanceTimersByTime(500);
    await expect(waiting).rejects.toThrow("waited 500 ms for a price update");
  });
});
