// Starting a redis-server child until it answers PING, and the retries around a port that another
// process took first: a new free port when the caller let us choose, a short wait on a fixed one.
import { spawn } from "node:child_process";
import { findFreePort } from "./free-port.js";
import { ensureServerDir, makeServerDir, removeServerDir } from "./redis-server-dir.js";
import { RedisServerPortInUseError, RedisServerStartError } from "./redis-server-errors.js";
import { delay, ServerProcess } from "./redis-server-process.js";
import { type RedisTlsFiles, tlsArgs } from "./redis-server-tls.js";

const REDIS_SERVER_BINARY = "redis-server";
const BIND_RETRY_ATTEMPTS = 20;
const BIND_RETRY_DELAY_MS = 100;

export interface LaunchRequest {
  /** Extra redis-server arguments, without the TLS ones. */
  readonly args: readonly string[];
  readonly tls: RedisTlsFiles | undefined;
  readonly readyTimeoutMs: number;
}

export interface LaunchedServer {
  readonly server: ServerProcess;
  readonly port: number;
  readonly tlsPort: number | undefined;
  /** The full extra arguments it was started with, so a restart can reuse them. */
  readonly args: readonly string[];
  /** Its --dir, which a restart reuses too. */
  readonly dir: string;
}

/** A port found free can be taken before redis binds it: pick other ports (TLS one included) instead of waiting. */
export async function launchOnFreePort(request: LaunchRequest): Promise<LaunchedServer> {
  return await withNewDir(async (dir) => {
    let tlsPort = await pickTlsPort(request.tls);
    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort();
      const args = serverArgs(request, tlsPort);
      try {
        return { server: await launch(port, args, request.readyTimeoutMs, dir), port, tlsPort, args, dir };
      } catch (error) {
        if (!(error instanceof RedisServerPortInUseError) || attempt >= BIND_RETRY_ATTEMPTS) throw error;
        tlsPort = await pickTlsPort(request.tls);
      }
    }
  });
}

export async function launchOnFixedPort(port: number, request: LaunchRequest): Promise<LaunchedServer> {
  return await withNewDir(async (dir) => {
    const tlsPort = await pickTlsPort(request.tls);
    const args = serverArgs(request, tlsPort);
    const server = await launchRetryingBind(port, args, request.readyTimeoutMs, dir);
    return { server, port, tlsPort, args, dir };
  });
}

/** A first start that fails leaves no directory behind. */
async function withNewDir(start: (dir: string) => Promise<LaunchedServer>): Promise<LaunchedServer> {
  const dir = makeServerDir();
  try {
    return await start(dir);
  } catch (error) {
    removeServerDir(dir);
    throw error;
  }
}

// Restarting on the same port can race with the old socket's teardown or another process: retry briefly.
export async function launchRetryingBind(
  port: number,
  args: readonly string[],
  readyTimeoutMs: number,
  dir: string,
): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(port, args, readyTimeoutMs, dir);
    } catch (error) {
      if (!(error instanceof RedisServerPortInUseError) || attempt >= BIND_RETRY_ATTEMPTS) throw error;
      await delay(BIND_RETRY_DELAY_MS);
    }
  }
}

async function pickTlsPort(tls: RedisTlsFiles | undefined): Promise<number | undefined> {
  return tls ? await findFreePort() : undefined;
}

function serverArgs(request: LaunchRequest, tlsPort: number | undefined): string[] {
  const { tls } = request;
  return [...request.args, ...(tls && tlsPort ? tlsArgs(tls, tlsPort) : [])];
}

async function launch(
  port: number,
  args: readonly string[],
  readyTimeoutMs: number,
  dir: string,
): Promise<ServerProcess> {
  ensureServerDir(dir);
  // No persistence and loopback only: a test server leaves nothing behind and is reachable from nowhere else.
  const child = spawn(
    REDIS_SERVER_BINARY,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      ...args,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const server = new ServerProcess(child);
  try {
    await server.waitUntilReady(port, readyTimeoutMs);
    return server;
  } catch (error) {
    await server.kill();
    throw startErrorFor(port, server.output(), error);
  }
}

/** A bind failure is its own error, so that the callers above can retry on it and on nothing else. */
function startErrorFor(port: number, output: string, error: unknown): RedisServerStartError {
  if (/address already in use/i.test(output)) {
    return new RedisServerPortInUseError(
      "redis-server could not bind: address already in use",
      port,
      output,
      {
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new RedisServerStartError(`redis-server did not become ready: ${message}`, port, output, {
    cause: error,
  });
}
