// The subscriber prints nothing unless given a logger (a real child process, its stdout and stderr
// captured), and an injected logger receives every diagnostic at its level.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { findFreePort, startRedisServer } from "../../scripts/support/redis-server.js";
import { createSubscriber, type SubscriberLogger } from "../../src/subscriber/index.js";
import { cleanupAfterEach } from "../support/cleanups.js";
import { waitFor } from "./wait-for.js";

const cleanups = cleanupAfterEach();
const QUIET_CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "../support/quiet-subscriber.ts");

const signal = JSON.stringify({
  event_type: "signals.generated",
  timestamp: "2025-01-18T09:00:00Z",
  strategy_id: "alpha_baseline",
  symbols: ["AAPL"],
  num_signals: 1,
  as_of_date: "2025-01-17",
});

describe("without a logger", () => {
  it("connection retries, a failing handler and an invalid message print nothing at all", async () => {
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const closedPort = await findFreePort();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", QUIET_CHILD, String(redis.port), String(closedPort)],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: "", stderr: "" });
  });
});

describe("with a logger", () => {
  it("receives connection retries (debug), invalid messages (warn), failing handlers and listeners (error)", async () => {
    const entries: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
    const record =
      (level: string) =>
      (message: string, fields?: Record<string, unknown>): void => {
        entries.push({ level, message, fields });
      };
    const logger: SubscriberLogger = {
      debug: record("debug"),
      info: record("info"),
      warn: record("warn"),
      error: record("error"),
    };

    let attempts = 0;
    const away = createSubscriber({
      connection: {
        host: "127.0.0.1",
        port: await findFreePort(),
        retryStrategy: () => {
          attempts += 1;
          return 10;
        },
      },
      heartbeat: false,
      logger,
    });
    cleanups.push(() => away.close());
    await waitFor(() => attempts >= 2, "two reconnect attempts");
    const retries = entries.filter((e) => e.level === "debug" && /Redis connection error/.test(e.message));
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(String(retries[0]?.fields?.error)).toMatch(/ECONNREFUSED/);

    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const subscriber = createSubscriber({ connection: redis.url, heartbeat: false, logger });
    cleanups.push(() => subscriber.close());
    subscriber.on("invalid", () => {
      throw new Error("listener failure");
    });
    await subscriber.handle("signals.generated", () => {
      throw new Error("handler failure");
    });
    const publisher = new Redis(redis.url);
    cleanups.push(() => publisher.quit());
    await publisher.publish("signals.generated", '{"event_type": ');
    await publisher.publish("signals.generated", signal);
    await waitFor(() => subscriber.stats().handlerErrors === 1, "the failing handler");

    const levelsOf = (pattern: RegExp) => entries.filter((e) => pattern.test(e.message)).map((e) => e.level);
    expect(levelsOf(/invalid message/)).toEqual(["warn"]);
    expect(levelsOf(/"invalid" listener threw/)).toEqual(["error"]);
    expect(levelsOf(/handler for signals\.generated failed: handler failure/)).toEqual(["error"]);
    const invalid = entries.find((e) => /invalid message/.test(e.message));
    expect(invalid?.fields).toMatchObject({ address: "signals.generated", size: 15 });
  });
});
