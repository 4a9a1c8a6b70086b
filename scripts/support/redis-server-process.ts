// One running redis-server child: its output, readiness, stop and kill. Every live one is tracked here,
// so stopAllRedisServers() and the exit hook can end them; nothing else owns that set.
import type { ChildProcess } from "node:child_process";
import net from "node:net";
import { removeAllServerDirs } from "./redis-server-dir.js";

const OUTPUT_LIMIT_BYTES = 16 * 1024;
const STOP_GRACE_MS = 10_000;

const liveServers = new Set<ServerProcess>();

export class ServerProcess {
  exited = false;
  readonly exitedPromise: Promise<void>;
  private outputText = "";
  private stopping: Promise<void> | undefined;

  constructor(readonly child: ChildProcess) {
    liveServers.add(this);
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

/** Stops every server started by this process and removes their directories; use as `afterAll(stopAllRedisServers)`. */
export async function stopAllRedisServers(): Promise<void> {
  await Promise.all([...liveServers].map((server) => server.stop()));
  removeAllServerDirs();
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

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Last resort when a test run ends without stopAllRedisServers(): no redis-server outlives its test process.
process.once("exit", () => {
  for (const server of liveServers) server.child.kill("SIGKILL");
});
