// Starts throw-away redis-server processes on free ports for the tests, the demo and the benchmarks, so
// none of them touches the machine's shared Redis on 6379. Every started server is tracked;
// stopAllRedisServers() (or process exit) ends them. This module is the public face: the parts live in
// free-port.ts, redis-server-launch.ts, redis-server-process.ts, redis-server-dir.ts, redis-server-tls.ts and
// redis-server-errors.ts.
import { removeServerDir } from "./redis-server-dir.js";
import { launchOnFixedPort, launchOnFreePort, launchRetryingBind } from "./redis-server-launch.js";
import type { ServerProcess } from "./redis-server-process.js";
import type { RedisTlsFiles } from "./redis-server-tls.js";

export { findFreePort } from "./free-port.js";
export { RedisServerPortInUseError, RedisServerStartError } from "./redis-server-errors.js";
export { stopAllRedisServers } from "./redis-server-process.js";
export type { RedisTlsFiles } from "./redis-server-tls.js";

export interface RedisServerOptions {
  /** Fixed port; default: a free port chosen by the OS. */
  readonly port?: number;
  /** Extra redis-server arguments, one argv element each, e.g. ["--client-output-buffer-limit", "pubsub 64kb 32kb 1"]. */
  readonly args?: readonly string[];
  /** How long to wait for the server to answer PING; default 10 s. */
  readonly readyTimeoutMs?: number;
  /** Also listen with TLS on a second free port (the plain port stays, for the readiness PING). */
  readonly tls?: RedisTlsFiles;
}

export interface RedisServerHandle {
  readonly port: number;
  readonly url: string;
  /** The TLS port when started with `tls`. */
  readonly tlsPort: number | undefined;
  /** pid of the current process, undefined while stopped. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** The last lines redis-server wrote, for failure messages. */
  output(): string;
  /** SIGTERM, then wait for exit, and remove its directory. Safe to call twice or on a stopped server. */
  stop(): Promise<void>;
  /** SIGKILL, then wait for exit: the server disappears without a shutdown; its directory stays, as after a crash. */
  kill(): Promise<void>;
  /** Stops the server if it runs, then starts it again on the same port and directory, and waits until it answers. */
  restart(): Promise<void>;
}

// The machine's shared Redis: never start on it, so a test can never stop or confuse it.
const SHARED_REDIS_PORT = 6379;

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  if (options.port === SHARED_REDIS_PORT) {
    throw new Error(`port ${SHARED_REDIS_PORT} belongs to the machine's shared Redis; tests must not use it`);
  }
  const request = {
    args: options.args ?? [],
    tls: options.tls,
    readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
  };
  const launched =
    options.port === undefined
      ? await launchOnFreePort(request)
      : await launchOnFixedPort(options.port, request);
  const { port, tlsPort, args, dir } = launched;
  // restart() replaces the process behind the handle; the handle itself stays the caller's.
  let current: ServerProcess = launched.server;

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    tlsPort,
    get pid() {
      return current.exited === false ? current.child.pid : undefined;
    },
    get running() {
      return current.exited === false;
    },
    output: () => current.output(),
    stop: async () => {
      await current.stop();
      removeServerDir(dir);
    },
    kill: async () => {
      await current.kill();
    },
    restart: async () => {
      await current.stop();
      current = await launchRetryingBind(port, args, request.readyTimeoutMs, dir);
    },
  };
}
