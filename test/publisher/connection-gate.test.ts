// The connection gate on its own, against real redis-server processes: ready, not ready (with the
// client's status), and a handshake that fails for good (a wrong password), which wakes every waiter.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startRedisServer, stopAllRedisServers } from "../../scripts/support/redis-server.js";
import { ConnectionGate } from "../../src/publisher/connection/connection-gate.js";
import { ConnectionNotReadyError } from "../../src/publisher/errors.js";
import { cleanupAfterEach } from "../support/cleanups.js";

const cleanups = cleanupAfterEach();
afterAll(stopAllRedisServers);

function client(port: number, options: Record<string, unknown> = {}): Redis {
  const created = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    retryStrategy: () => 20,
    ...options,
  });
  created.on("error", () => {});
  cleanups.push(() => created.disconnect());
  return created;
}

describe("ConnectionGate", () => {
  it("not ready until connected (ConnectionNotReadyError with the status); ready wakes the waiters, then onReady", async () => {
    const redis = await startRedisServer();
    const redisClient = client(redis.port);
    const calls: string[] = [];
    const gate = new ConnectionGate(redisClient, {}, () => calls.push("onReady"));
    cleanups.push(() => gate.dispose());
    expect(gate.ready).toBe(false);
    expect(gate.notReadyError()).toBeInstanceOf(ConnectionNotReadyError);
    expect(gate.notReadyError()).toMatchObject({ status: "wait" });
    const woken = new Promise<void>((resolve) =>
      gate.waitForReady(() => {
        calls.push("waiter");
        resolve();
      }),
    );
    const cancelled = () => calls.push("cancelled waiter");
    gate.waitForReady(cancelled);
    gate.stopWaiting(cancelled);
    await redisClient.connect();
    await woken;
    expect(gate.ready).toBe(true);
    expect(calls).toEqual(["waiter", "onReady"]);
    expect(gate.fatalError).toBeUndefined();
  });

  it("a wrong password is a fatal handshake error: waiters wake, and it is what notReadyError() reports", async () => {
    const redis = await startRedisServer({ args: ["--requirepass", "right"] });
    const redisClient = client(redis.port, { password: "wrong" });
    const gate = new ConnectionGate(redisClient, {}, () => {});
    cleanups.push(() => gate.dispose());
    const woken = new Promise<void>((resolve) => gate.waitForReady(resolve));
    redisClient.connect().catch(() => {});
    await woken;
    expect(gate.ready).toBe(false);
    expect(gate.fatalError).toMatchObject({ name: "ReplyError" });
    expect(String((gate.fatalError as Error).message)).toMatch(/WRONGPASS|invalid password/i);
    expect(gate.notReadyError()).toBe(gate.fatalError);
  });
});
