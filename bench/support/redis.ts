// The throwaway redis-server the Redis sections run against, and the client options both sides of
// every comparison share.
import { Redis } from "ioredis";
import { type RedisServerHandle, startRedisServer } from "../../scripts/support/redis-server.js";

export type { RedisServerHandle };

/** One server for the whole run; pub/sub output buffers unlimited so a slow reader is never cut off. */
export function startBenchRedis(): Promise<RedisServerHandle> {
  return startRedisServer({ args: ["--client-output-buffer-limit", "pubsub 0 0 0"] });
}

export function clientOptions(server: RedisServerHandle, autoPipelining: boolean) {
  return {
    host: "127.0.0.1",
    port: server.port,
    enableAutoPipelining: autoPipelining,
    // What the publisher sets on a connection it owns (fail fast instead of queueing while down); the
    // raw side gets the same, so both sides of a comparison run with identical client options.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  };
}

/** A connected client: without an offline queue, commands sent before `ready` would fail. */
export async function connectedClient(options: ReturnType<typeof clientOptions>): Promise<Redis> {
  const client = new Redis(options);
  client.on("error", (error: unknown) => {
    process.stderr.write(`bench client error: ${String(error)}\n`);
  });
  if (client.status !== "ready") await new Promise((resolve) => client.once("ready", resolve));
  return client;
}
