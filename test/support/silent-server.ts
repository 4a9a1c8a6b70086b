// A loopback TCP server that accepts connections and never answers: a stuck Redis, or another service.
import { createServer, type Socket } from "node:net";

export interface SilentServer {
  readonly url: string;
  /** How many connections it has accepted so far. */
  readonly accepted: () => number;
  readonly close: () => Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the silent server has no TCP port");
  return {
    url: `redis://127.0.0.1:${address.port}`,
    accepted: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
