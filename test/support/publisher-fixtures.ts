// Shared pieces of the publisher's tests: numbered events, a raw ioredis subscriber that records what
// arrives, condition polling, and directories that cannot be written even by root.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import type { SignalEvent } from "../../generated/index.js";

/** The n-th event of a stream: `num_signals` carries n so that order can be checked on arrival. */
export function signalEvent(n: number): SignalEvent {
  return {
    event_type: "signals.generated",
    timestamp: "2025-01-18T09:00:00Z",
    strategy_id: "stream",
    symbols: ["AAPL"],
    num_signals: n,
    as_of_date: "2025-01-17",
  };
}

export interface ReceivedMessage {
  readonly channel: string;
  readonly body: string;
  readonly seq: number;
  readonly eventId: string | undefined;
}

export interface RecordingSubscriber {
  readonly client: Redis;
  readonly received: ReceivedMessage[];
  /** Subscriptions (re)established, counted from the first. */
  readonly subscribedCount: () => number;
  close(): void;
}

/**
 * Subscribes with plain ioredis and records every message. It resubscribes after each reconnect itself:
 * ioredis's own autoResubscribe leaves its SUBSCRIBE promise unhandled, and a connection lost during it
 * surfaces as an unhandled "Connection is closed" rejection.
 */
export async function recordingSubscriber(
  url: string,
  channels: readonly string[],
): Promise<RecordingSubscriber> {
  const client = new Redis(url, { retryStrategy: () => 50, autoResubscribe: false });
  client.on("error", () => {}); // reconnects are what these tests provoke
  const received: ReceivedMessage[] = [];
  let subscribed = 0;
  const record = (channel: string, body: string) => {
    const parsed = JSON.parse(body) as { num_signals?: number; event_id?: string };
    received.push({ channel, body, seq: parsed.num_signals ?? -1, eventId: parsed.event_id });
  };
  client.on("message", record);
  client.on("pmessage", (_pattern: string, channel: string, body: string) => record(channel, body));
  client.on("subscribe", () => {
    subscribed += 1;
  });
  client.on("psubscribe", () => {
    subscribed += 1;
  });
  const patterns = channels.filter((c) => c.includes("*"));
  const plain = channels.filter((c) => !c.includes("*"));
  const subscribeAll = async () => {
    if (plain.length > 0) await client.subscribe(...plain);
    if (patterns.length > 0) await client.psubscribe(...patterns);
  };
  await subscribeAll();
  // Every later "ready" is a reconnection; one that fails again is followed by another "ready".
  client.on("ready", () => {
    subscribeAll().catch(() => {});
  });
  return { client, received, subscribedCount: () => subscribed, close: () => client.disconnect() };
}

/** Polls until `condition` holds; fails with `what` and the last state after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  {
    timeoutMs = 30_000,
    intervalMs = 10,
    state,
  }: { timeoutMs?: number; intervalMs?: number; state?: () => unknown } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${state ? `; state: ${JSON.stringify(state())}` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The first occurrence of each event id, in arrival order: what a deduplicating consumer sees. */
export function dedupeByEventId(messages: readonly ReceivedMessage[]): ReceivedMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => {
    if (m.eventId === undefined) throw new Error(`message without event_id: ${m.body}`);
    if (seen.has(m.eventId)) return false;
    seen.add(m.eventId);
    return true;
  });
}

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/**
 * A directory nobody can create files in. Permissions do not stop root, so as root the directory is also
 * made immutable (chattr +i); `release` undoes it so it can be removed. Throws if it is still writable:
 * a test that believes it has an unwritable directory must not pass silently.
 */
export function makeUnwritableDir(parent: string): { dir: string; release: () => void } {
  const dir = path.join(parent, "read-only");
  fs.mkdirSync(dir);
  fs.chmodSync(dir, 0o555);
  let immutable = false;
  if (process.getuid?.() === 0) {
    execFileSync("chattr", ["+i", dir]);
    immutable = true;
  }
  const probe = path.join(dir, "probe");
  let writable = true;
  try {
    fs.writeFileSync(probe, "x");
    fs.rmSync(probe);
  } catch {
    writable = false;
  }
  const release = () => {
    if (immutable) execFileSync("chattr", ["-i", dir]);
    fs.chmodSync(dir, 0o755);
  };
  if (writable) {
    release();
    throw new Error(`could not make ${dir} unwritable`);
  }
  return { dir, release };
}

/**
 * Publishes signal events 1, 2, 3... on signals.generated one after the other, paced so that a cluster
 * change happens mid-stream, until stop(); stop() resolves with how many it published (or buffered).
 */
export function steadySignals(publisher: {
  publish(channel: "signals.generated", event: SignalEvent): Promise<unknown>;
}): { stop(): Promise<number>; count(): number } {
  let stopped = false;
  let n = 0;
  const running = (async () => {
    while (!stopped) {
      n += 1;
      await publisher.publish("signals.generated", signalEvent(n));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return {
    count: () => n,
    async stop() {
      stopped = true;
      await running;
      return n;
    },
  };
}

/** 1, 2, ... count. */
export function oneTo(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}
