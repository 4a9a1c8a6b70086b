// Child process for the subscriber's "prints nothing" test: drives a subscriber without a logger or
// any listener through connection retries, a failing handler and an invalid message, then exits 0.
// It writes nothing itself: whatever reaches its stdout or stderr came from the library.
// Usage: quiet-subscriber.ts <redis port> <closed port>
import { Redis } from "ioredis";
import { createSubscriber } from "../../src/subscriber/index.js";

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function main(): Promise<void> {
  const [port, closedPort] = process.argv.slice(2).map(Number);
  // Redis away: every reconnect attempt fails with ECONNREFUSED.
  let attempts = 0;
  const away = createSubscriber({
    connection: {
      host: "127.0.0.1",
      port: closedPort as number,
      retryStrategy: () => {
        attempts += 1;
        return 10;
      },
    },
    heartbeat: false,
  });
  await until(() => attempts >= 3);
  await away.close();

  // Redis there: a handler that throws and a message that breaks the contract.
  const subscriber = createSubscriber({ connection: `redis://127.0.0.1:${port}`, heartbeat: false });
  await subscriber.handle("signals.generated", () => {
    throw new Error("handler failure");
  });
  const publisher = new Redis(port as number, "127.0.0.1");
  await publisher.publish("signals.generated", '{"event_type": ');
  await publisher.publish("signals.generated", JSON.stringify(validSignal));
  await until(() => subscriber.stats().handlerErrors === 1 && subscriber.stats().invalid === 1);
  await publisher.quit();
  await subscriber.close();
}

const validSignal = {
  event_type: "signals.generated",
  timestamp: "2025-01-18T09:00:00Z",
  strategy_id: "alpha_baseline",
  symbols: ["AAPL"],
  num_signals: 1,
  as_of_date: "2025-01-17",
};

await main();
