// The Redis the demo takes down and brings back: a redis-server of its own, or, when REDIS_URL names someone
// else's server, a local TCP proxy to it that the demo cuts and restores, so that server is never stopped.
import net from "node:net";
import { type RedisServerHandle, startRedisServer } from "../support/redis-server.js";

/** A Redis the demo may take down and bring back: its own server, or a proxy to REDIS_URL. */
export interface DemoRedis {
  /** Where the subscriber and the checks connect. */
  readonly url: string;
  /** Where the publisher connects: through the outage. */
  readonly publisherUrl: string;
  readonly description: string;
  readonly outageDescription: string;
  readonly recoveryDescription: string;
  beginOutage(): Promise<void>;
  endOutage(): Promise<void>;
  close(): Promise<void>;
}

export async function ownRedis(): Promise<DemoRedis> {
  let server: RedisServerHandle;
  try {
    server = await startRedisServer();
  } catch (error) {
    throw new Error(
      "could not start redis-server from PATH (install it, e.g. `apt-get install redis-server`, " +
        `or set REDIS_URL to a Redis to use): ${(error as Error).message.split("\n")[0]}`,
    );
  }
  return {
    url: server.url,
    publisherUrl: server.url,
    description: `started a throwaway redis-server on ${server.url} (pid ${server.pid}); it is stopped at the end`,
    outageDescription: "stopping the demo's redis-server",
    recoveryDescription: "Restarting redis-server on the same port.",
    beginOutage: () => server.stop(),
    endOutage: () => server.restart(),
    close: () => server.stop(),
  };
}

/**
 * REDIS_URL is someone else's server: the demo never stops it. The outage is real for the
 * publisher all the same: it connects through a local TCP proxy that the demo cuts and restores.
 */
export async function proxiedRedis(redisUrl: string): Promise<DemoRedis> {
  const target = new URL(redisUrl);
  const targetPort = Number(target.port || 6379);
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(targetPort, target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      proxy.once("error", reject);
      proxy.listen(port, "127.0.0.1", () => {
        proxy.off("error", reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      proxy.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  await listen(0);
  const port = (proxy.address() as net.AddressInfo).port;
  const publisherUrl = new URL(redisUrl);
  publisherUrl.hostname = "127.0.0.1";
  publisherUrl.port = String(port);
  const shown = new URL(redisUrl);
  shown.password = shown.password ? "***" : "";
  return {
    url: redisUrl,
    publisherUrl: publisherUrl.href,
    description: `using REDIS_URL (${shown.href}); the publisher connects through a local proxy on port ${port}`,
    outageDescription:
      "REDIS_URL is not the demo's server, so it is not stopped: the publisher's proxy to it is cut instead",
    recoveryDescription: "Restoring the publisher's proxy to REDIS_URL.",
    beginOutage: stopListening,
    endOutage: () => listen(port),
    close: async () => {
      if (proxy.listening) await stopListening();
    },
  };
}
