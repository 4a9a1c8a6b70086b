// Section 2: publish throughput of this package's publisher against raw ioredis `publish`, on clients
// created with identical options, with the same window of messages in flight, with and without
// auto-pipelining. Rounds alternate raw / publisher; the ratio reported is the median of the rounds.
import { channels, type PriceUpdateEvent } from "../generated/index.js";
import { createPublisher } from "../src/publisher/publisher.js";
import { clientOptions, connectedClient, type RedisServerHandle } from "./support/redis.js";
import type { Cell, SectionResult, TargetCheck } from "./support/report.js";
import { ratio } from "./support/report.js";
import { median, round, runWindow } from "./support/stats.js";

export interface PublishThroughputOptions {
  readonly messages?: number;
  readonly window?: number;
  readonly rounds?: number;
}

interface Round {
  readonly raw: number;
  readonly publisher: number;
}

export async function benchPublishThroughput(
  server: RedisServerHandle,
  options: PublishThroughputOptions = {},
): Promise<SectionResult> {
  const messages = options.messages ?? 50_000;
  const window = options.window ?? 1_000;
  const rounds = options.rounds ?? 3;
  const example = channels["price.updated.{symbol}"].examples[0]?.payload;
  if (example === undefined) throw new Error("the spec has no price.updated example");
  // The publisher fills in event_id; the raw side sends one of the same length so both bodies are equal in size.
  const payload: PriceUpdateEvent = { ...example, symbol: "AAPL" };
  const rawBody = JSON.stringify({ ...payload, event_id: "7d7c5a4e-3f0a-4b8e-9c1d-2a6b9e0f4c31" });
  const address = "price.updated.AAPL";

  const results: Record<string, Round[]> = {};
  for (const autoPipelining of [true, false]) {
    const rawClient = await connectedClient(clientOptions(server, autoPipelining));
    const publisherClient = await connectedClient(clientOptions(server, autoPipelining));
    const publisher = createPublisher({ connection: publisherClient });
    try {
      const rawRun = async (count: number) =>
        (count * 1000) / (await runWindow(count, window, () => rawClient.publish(address, rawBody)));
      const publisherRun = async (count: number) =>
        (count * 1000) /
        (await runWindow(count, window, async () => {
          const result = await publisher.publish("price.updated.{symbol}", payload);
          if (result.status !== "published") throw new Error(`publish ${result.status}: ${result.reason}`);
        }));
      await rawRun(Math.min(5_000, messages)); // JIT and connection warm-up, not measured
      await publisherRun(Math.min(5_000, messages));
      const measured: Round[] = [];
      for (let i = 0; i < rounds; i++) {
        const raw = await rawRun(messages);
        const ours = await publisherRun(messages);
        measured.push({ raw: round(raw), publisher: round(ours) });
      }
      results[autoPipelining ? "autoPipelining" : "noAutoPipelining"] = measured;
    } finally {
      await publisher.close();
      rawClient.disconnect();
      publisherClient.disconnect();
    }
  }

  const rows: Cell[][] = [];
  const targets: TargetCheck[] = [];
  for (const [mode, measured] of Object.entries(results)) {
    const label = mode === "autoPipelining" ? "auto-pipelining on" : "auto-pipelining off";
    const raw = median(measured.map((m) => m.raw));
    const ours = median(measured.map((m) => m.publisher));
    const medianRatio = median(measured.map((m) => m.publisher / m.raw));
    rows.push([label, round(raw), round(ours), ratio(medianRatio, 1)]);
    targets.push({
      target: `publisher ≥ 0.9× raw ioredis throughput (${label})`,
      measured: `${round(medianRatio, 2)}×`,
      met: medianRatio >= 0.9,
    });
  }
  return {
    id: "publish-throughput",
    title: "2. Publish throughput",
    tables: [
      {
        title: "2. Publish throughput, messages/s (median of rounds)",
        columns: ["Client", "raw ioredis publish", "createPublisher().publish", "publisher ÷ raw"],
        rows,
        notes: [
          `${messages.toLocaleString("en-US")} messages per round, ${window.toLocaleString("en-US")} in flight, ${rounds} alternating rounds; ` +
            `one address (${address}), ~${rawBody.length}-byte bodies, no subscribers. The publisher validates, fills in event_id ` +
            "and serialises every message; the raw side sends a pre-serialised body.",
        ],
      },
    ],
    targets,
    data: { messages, window, rounds, results },
  };
}
