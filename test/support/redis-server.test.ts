// Proves the test Redis helper: real servers on free ports that start, stop, die and come back on the same port.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  type RedisServerHandle,
  RedisServerPortInUseError,
  RedisServerStartError,
  startRedisServer,
  stopAllRedisServers,
} from "../../scripts/support/redis-server.js";

afterAll(stopAllRedisServers);

const clients: Redis[] = [];
afterAll(() => {
  for (const client of clients) client.disconnect();
});

// ioredis's own RedisOptions type does not satisfy exactOptionalPropertyTypes; these are the ones we use.
interface ClientOptions {
  lazyConnect?: boolean;
  retryStrategy?: () => number | null;
  maxRetriesPerRequest?: number | null;
  enableReadyCheck?: boolean;
  username?: string;
  password?: string;
}

function connect(server: RedisServerHandle, options: ClientOptions = {}): Redis {
  const client = new Redis(server.url, options);
  client.on("error", () => {}); // connection errors are what some tests provoke
  clients.push(client);
  return client;
}

/** A client that gives up at once, so a dead server shows as a rejected connect. */
function connectOnce(server: RedisServerHandle): Promise<void> {
  const client = connect(server, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  return client.connect();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("startRedisServer", () => {
  it("starts a private server on a free port, never the shared 6379", async () => {
    const server = await startRedisServer();
    expect(server.port).not.toBe(6379);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    const client = connect(server);
    await client.set("greeting", "hello");
    expect(await client.get("greeting")).toBe("hello");
    expect(await client.config("GET", "port")).toEqual(["port", String(server.port)]);
    await server.stop();
  });

  it("stop() ends the process, and calling it again (even concurrently) is harmless", async () => {
    const server = await startRedisServer();
    const pid = server.pid;
    expect(pid).toBeTypeOf("number");
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
    expect(server.running).toBe(false);
    expect(server.pid).toBeUndefined();
    expect(isAlive(pid ?? -1)).toBe(false);
    await expect(connectOnce(server)).rejects.toThrow();
  });

  it("kill() ends the process without a shutdown; restart() brings a fresh server back on the same port", async () => {
    const server = await startRedisServer();
    const port = server.port;
    const firstPid = server.pid ?? -1;
    const client = connect(server, { maxRetriesPerRequest: null });
    await client.set("survives-restart", "no");

    await server.kill();
    expect(isAlive(firstPid)).toBe(false);
    await expect(connectOnce(server)).rejects.toThrow();

    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(firstPid);
    // The long-lived client reconnects by itself to the same address and finds an empty server.
    expect(await client.get("survives-restart")).toBeNull();
    await server.stop();
  });

  it("keeps its directory (a cluster node's nodes.conf) across kill() and restart(); stop() removes it", async () => {
    const server = await startRedisServer();
    const [, dir = ""] = (await connect(server).config("GET", "dir")) as string[];
    const marker = path.join(dir, "nodes.conf");
    fs.writeFileSync(marker, "kept");

    await server.kill();
    expect(fs.readFileSync(marker, "utf8")).toBe("kept");
    await server.restart();
    expect(await connect(server).config("GET", "dir")).toEqual(["dir", dir]);
    expect(fs.readFileSync(marker, "utf8")).toBe("kept");

    await server.stop();
    expect(fs.existsSync(dir)).toBe(false);
    await server.restart(); // a stopped server can come back: its directory is made again, empty
    expect(await connect(server).config("GET", "dir")).toEqual(["dir", dir]);
    expect(fs.readdirSync(dir)).toEqual([]);
    await server.stop();
  });

  it("stopAllRedisServers() removes the directories of running and of killed servers", async () => {
    const running = await startRedisServer();
    const killed = await startRedisServer();
    const dirs = await Promise.all(
      [running, killed].map(
        async (server) => ((await connect(server).config("GET", "dir")) as string[])[1] ?? "",
      ),
    );
    await killed.kill();
    expect(dirs.map((dir) => fs.existsSync(dir))).toEqual([true, true]);
    await stopAllRedisServers();
    expect(running.running).toBe(false);
    expect(dirs.map((dir) => fs.existsSync(dir))).toEqual([false, false]);
  });

  it("restart() of a running server stops it first and reuses the port", async () => {
    const server = await startRedisServer();
    const firstPid = server.pid ?? -1;
    await server.restart();
    expect(isAlive(firstPid)).toBe(false);
    expect(server.running).toBe(true);
    await connectOnce(server);
    await server.stop();
  });

  it("passes extra arguments through, including quoted multi-word values and ACL users", async () => {
    const server = await startRedisServer({
      args: [
        "--client-output-buffer-limit",
        "pubsub 64kb 32kb 1",
        "--user",
        "publisher-without-rights",
        "on",
        ">secret",
        "~*",
        "&*",
        "+ping",
      ],
    });
    const admin = connect(server);
    expect(await admin.config("GET", "client-output-buffer-limit")).toEqual([
      "client-output-buffer-limit",
      "normal 0 0 0 slave 268435456 67108864 60 pubsub 65536 32768 1",
    ]);

    const limited = connect(server, {
      username: "publisher-without-rights",
      password: "secret",
      enableReadyCheck: false, // the ready check runs INFO, which this user may not
    });
    expect(await limited.ping()).toBe("PONG");
    await expect(limited.publish("trading.signals", "{}")).rejects.toThrow(/NOPERM/);
    await server.stop();
  });

  it("starts on an explicit port and refuses the shared Redis port", async () => {
    const first = await startRedisServer();
    const port = first.port;
    await first.stop();
    const second = await startRedisServer({ port });
    expect(second.port).toBe(port);
    await connectOnce(second);
    await second.stop();

    await expect(startRedisServer({ port: 6379 })).rejects.toThrow(/shared Redis/);
  });

  it("reports a port held by another process as RedisServerPortInUseError with redis output", async () => {
    // Hangs up on every connection, so it never looks like a Redis that answered.
    const blocker = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    try {
      const error = await startRedisServer({ port: address.port }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RedisServerPortInUseError);
      expect((error as RedisServerPortInUseError).port).toBe(address.port);
      expect((error as RedisServerPortInUseError).output).toMatch(/Address already in use/i);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("reports an invalid argument as RedisServerStartError carrying the server's complaint", async () => {
    const error = await startRedisServer({ args: ["--no-such-directive", "1"] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RedisServerStartError);
    expect(error).not.toBeInstanceOf(RedisServerPortInUseError);
    expect((error as RedisServerStartError).output).toMatch(/no-such-directive/);
  });

  it("stopAllRedisServers() ends every server still running", async () => {
    const servers = await Promise.all([startRedisServer(), startRedisServer()]);
    const pids = servers.map((server) => server.pid ?? -1);
    await stopAllRedisServers();
    expect(servers.map((server) => server.running)).toEqual([false, false]);
    expect(pids.map(isAlive)).toEqual([false, false]);
  });
});
