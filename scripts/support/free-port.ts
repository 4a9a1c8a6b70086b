// Port picking for the test servers: the OS hands out a free loopback port, never a fixed guess.
import net from "node:net";

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
