// Starts throw-away redis-server processes on free ports for the tests, the demo and the benchmarks, so
// none of them touches the machine's shared Redis on 6379. Every started server is tracked;
// stopAllRedisServers() (or process exit) ends them.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

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

export interface RedisTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** The CA that client certificates must be signed by. */
  readonly caFile: string;
  /** `tls-auth-clients`: "yes" (default) requires a client certificate. */
  readonly authClients?: "yes" | "no" | "optional";
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
  /** SIGTERM, then wait for exit. Safe to call twice or on a stopped server. */
  stop(): Promise<void>;
  /** SIGKILL, then wait for exit: the server disappears without a shutdown. */
  kill(): Promise<void>;
  /** Stops the server if it runs, then starts it again on the same port and waits until it answers. */
  restart(): Promise<void>;
}

export class RedisServerStartError extends Error {
  override readonly name: string = "RedisServerStartError";
  readonly port: number;
  readonly output: string;
  constructor(message: string, port: number, output: string, options?: ErrorOptions) {
    super(`${message} (port ${port})\n--- redis-server output ---\n${output}`, options);
    this.port = port;
    this.output = output;
  }
}

/** The port stayed taken by another process through every retry. */
export class RedisServerPortInUseError extends RedisServerStartError {
  override readonly name: string = "RedisServerPortInUseError";
}

const REDIS_SERVER_BINARY = "redis-server";
// The machine's shared Redis: never start on it, so a test can never stop or confuse it.
const SHARED_REDIS_PORT = 6379;
const OUTPUT_LIMIT_BYTES = 16 * 1024;
const BIND_RETRY_ATTEMPTS = 20;
const BIND_RETRY_DELAY_MS = 100;
const STOP_GRACE_MS = 10_000;

const liveServers = new Set<ServerProcess>();

/** Asks the OS for a free TCP port on 127.0.0.1. Another process may take it before we bind it; callers retry. */
export async function findFreePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error(`unexpected server address ${String(address)}`));
      });
    });
  });
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  if (options.port === SHARED_REDIS_PORT) {
    throw new Error(`port ${SHARED_REDIS_PORT} belongs to the machine's shared Redis; tests must not use it`);
  }
  const { tls } = options;
  let tlsPort = tls ? await findFreePort() : undefined;
  const argsWithTls = () => [...(options.args ?? []), ...(tls && tlsPort ? tlsArgs(tls, tlsPort) : [])];
  let args = argsWithTls();
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  let current: ServerProcess | undefined;
  let port: number;

  if (options.port === undefined) {
    // A port found free can be taken before redis binds it: pick others instead of waiting.
    let attempt = 0;
    for (;;) {
      const candidate = await findFreePort();
      try {
        current = await launch(candidate, args, readyTimeoutMs);
        port = candidate;
        break;
      } catch (error) {
        attempt += 1;
        if (!(error instanceof RedisServerPortInUseError) || attempt >= BIND_RETRY_ATTEMPTS) throw error;
        if (tls) {
          tlsPort = await findFreePort();
          args = argsWithTls();
        }
      }
    }
  } else {
    port = options.port;
    current = await launchRetryingBind(port, args, readyTimeoutMs);
  }

  const handle: RedisServerHandle = {
    port,
    url: `redis://127.0.0.1:${port}`,
    tlsPort,
    get pid() {
      return current?.exited === false ? current.child.pid : undefined;
    },
    get running() {
      return current?.exited === false;
    },
    output: () => current?.output() ?? "",
    stop: async () => {
      await current?.stop();
    },
    kill: async () => {
      await current?.kill();
    },
    restart: async () => {
      await current?.stop();
      current = await launchRetryingBind(port, args, readyTimeoutMs);
    },
  };
  return handle;
}

/** Stops every server started by this process; use as `afterAll(stopAllRedisServers)`. */
export async function stopAllRedisServers(): Promise<void> {
  await Promise.all([...liveServers].map((server) => server.stop()));
}

function tlsArgs(tls: RedisTlsFiles, tlsPort: number): string[] {
  return [
    "--tls-port",
    String(tlsPort),
    "--tls-cert-file",
    tls.certFile,
    "--tls-key-file",
    tls.keyFile,
    "--tls-ca-cert-file",
    tls.caFile,
    "--tls-auth-clients",
    tls.authClients ?? "yes",
  ];
}

// Restarting on the same port can race with the old socket's teardown or another process: retry briefly.
async function launchRetryingBind(
  port: number,
  args: readonly string[],
  readyTimeoutMs: number,
): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(port, args, readyTimeoutMs);
    } catch (error) {
      if (!(error instanceof RedisServerPortInUseError) || attempt >= BIND_RETRY_ATTEMPTS) throw error;
      await delay(BIND_RETRY_DELAY_MS);
    }
  }
}

async function launch(port: number, args: readonly string[], readyTimeoutMs: number): Promise<ServerProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `redis-test-${port}-`));
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
  const server = new ServerProcess(child, dir);
  liveServers.add(server);
  try {
    await server.waitUntilReady(port, readyTimeoutMs);
    return server;
  } catch (error) {
    await server.kill();
    const output = server.output();
    const message = error instanceof Error ? error.message : String(error);
    if (/address already in use/i.test(output)) {
      throw new RedisServerPortInUseError(
        "redis-server could not bind: address already in use",
        port,
        output,
        {
          cause: error,
        },
      );
    }
    throw new RedisServerStartError(`redis-server did not become ready: ${message}`, port, output, {
      cause: error,
    });
  }
}

class ServerProcess {
  exited = false;
  readonly exitedPromise: Promise<void>;
  private outputText = "";
  private stopping: Promise<void> | undefined;

  constructor(
    readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    // Drain both pipes: a full pipe would block redis-server on its own log writes.
    const keep = (chunk: Buffer) => {
      this.outputText = (this.outputText + chunk.toString("utf8")).slice(-OUTPUT_LIMIT_BYTES);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exitedPromise = new Promise<void>((resolve) => {
      const finish = () => {
        if (this.exited) return;
        this.exited = true;
        liveServers.delete(this);
        fs.rmSync(this.dir, { recursive: true, force: true });
        resolve();
      };
      // "close" comes after the output pipes are drained, so output() is complete by then.
      child.once("close", finish);
      // spawn failures (ENOENT) may emit only "error".
      child.once("error", (error) => {
        keep(Buffer.from(`spawn error: ${error.message}\n`));
        finish();
      });
    });
  }

  output(): string {
    return this.outputText;
  }

  async waitUntilReady(port: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error("redis-server exited during start-up");
      const answered = await Promise.race([answersPing(port), this.exitedPromise.then(() => false)]);
      if (answered) {
        // Something answered, but it must be our process, not one that won the port.
        if (this.exited) throw new Error("redis-server exited during start-up");
        return;
      }
      await Promise.race([delay(25), this.exitedPromise]);
    }
    throw new Error(`no PING reply within ${timeoutMs} ms`);
  }

  stop(): Promise<void> {
    this.stopping ??= this.terminate();
    return this.stopping;
  }

  async kill(): Promise<void> {
    if (!this.exited) this.child.kill("SIGKILL");
    await this.exitedPromise;
  }

  private async terminate(): Promise<void> {
    if (this.exited) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), STOP_GRACE_MS);
    await this.exitedPromise;
    clearTimeout(timer);
  }
}

/** True when something on the port answers a RESP PING with any reply (+PONG, -NOAUTH, -LOADING...). */
async function answersPing(port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", () => done(true));
    socket.once("close", () => done(false));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Last resort when a test run ends without stopAllRedisServers(): no redis-server outlives its test process.
process.once("exit", () => {
  for (const server of liveServers) server.child.kill("SIGKILL");
});
