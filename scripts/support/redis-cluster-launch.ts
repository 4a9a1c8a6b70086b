// Launching a test cluster's parts: one cluster-enabled redis-server on a port whose cluster bus port is free
// too, and `redis-cli --cluster create` over the started nodes. Used by redis-cluster.ts.
import { execFile } from "node:child_process";
import net from "node:net";
import { promisify } from "node:util";
import {
  findFreePort,
  type RedisServerHandle,
  RedisServerStartError,
  startRedisServer,
} from "./redis-server.js";

export class RedisClusterError extends Error {
  override readonly name: string = "RedisClusterError";
}

export const CLUSTER_HOST = "127.0.0.1";
const HOST = CLUSTER_HOST;
// The cluster bus listens on port + 10000, which must be a valid, free port too.
const CLUSTER_BUS_OFFSET = 10_000;
const HIGHEST_NODE_PORT = 65_535 - CLUSTER_BUS_OFFSET;
const PORT_ATTEMPTS = 50;
const run = promisify(execFile);

export interface ClusterNodeArgs {
  /** `cluster-node-timeout` in ms; default 1500. */
  readonly nodeTimeoutMs?: number;
  /** Extra redis-server arguments. */
  readonly args?: readonly string[];
  /** requirepass, and masterauth so that replicas can sync. */
  readonly password?: string;
}

/** One cluster-enabled node on a port whose bus port is free too; another process may win either, so retry. */
export async function startClusterNode(options: ClusterNodeArgs): Promise<RedisServerHandle> {
  const args = [
    "--cluster-enabled",
    "yes",
    "--cluster-node-timeout",
    String(options.nodeTimeoutMs ?? 1_500),
    // Each node keeps nodes.conf in its own temp dir (redis-server.ts passes --dir).
    "--cluster-config-file",
    "nodes.conf",
    ...(options.password === undefined
      ? []
      : ["--requirepass", options.password, "--masterauth", options.password]),
    ...(options.args ?? []),
  ];
  for (let attempt = 1; ; attempt++) {
    const port = await findClusterPort();
    try {
      return await startRedisServer({ port, args });
    } catch (error) {
      if (!(error instanceof RedisServerStartError) || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

async function findClusterPort(): Promise<number> {
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const port = await findFreePort();
    if (port <= HIGHEST_NODE_PORT && (await isPortFree(port + CLUSTER_BUS_OFFSET))) return port;
  }
  throw new RedisClusterError(`no free port ≤ ${HIGHEST_NODE_PORT} with a free cluster bus port`);
}

async function isPortFree(port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

export async function createCluster(
  ports: readonly number[],
  timeoutMs: number,
  password?: string,
): Promise<void> {
  const addresses = ports.map((port) => `${HOST}:${port}`);
  try {
    await run(
      "redis-cli",
      ["--cluster", "create", ...addresses, "--cluster-replicas", "1", "--cluster-yes"],
      // REDISCLI_AUTH rather than -a: no password on the command line, and no warning about it.
      {
        timeout: timeoutMs,
        env: { ...process.env, ...(password === undefined ? {} : { REDISCLI_AUTH: password }) },
      },
    );
  } catch (error) {
    const output = (error as { stdout?: string }).stdout ?? "";
    throw new RedisClusterError(`redis-cli --cluster create failed:\n${output}`, { cause: error });
  }
}
