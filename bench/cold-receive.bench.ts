// Section 4c: what receiving one message costs when the CPU's caches hold nothing of the receive path, as
// when a subscriber at a low rate reads each message in a wake-up of its own (section 4b's CPU columns).
// Sections 1–3 measure warm loops, where the same code and data stay in the caches from one message to
// the next. Here, before each message, a walk over a buffer larger than the caches evicts them; then one
// message is timed on one variant. The variants take turns message by message, so that the machine's
// noise falls on each alike, and the same messages are also timed in a warm loop for comparison.
// The package side is the subscriber's receive pipeline itself (what its connection calls per message),
// so no socket or Redis is timed on either side.
import type { PriceUpdateEvent } from "../generated/index.js";
import { channels } from "../generated/index.js";
import { Subscription } from "../src/subscriber/connection/subscription-registry.js";
import { dedupForChannel } from "../src/subscriber/dedup/dedup-policy.js";
import { MessagePipeline } from "../src/subscriber/receive/message-pipeline.js";
import { zeroSubscriberStats } from "../src/subscriber/subscriber-types.js";
import { topicsFor } from "../src/subscriber/topics.js";
import { type Cell, ratio, type SectionResult } from "./support/report.js";
import { median, round } from "./support/stats.js";

export interface ColdReceiveOptions {
  readonly rounds?: number;
  /** Messages timed per round and variant. */
  readonly messagesPerRound?: number;
}

const CHANNEL = "price.updated.{symbol}";
/** Larger than the last-level cache of the machines this runs on (32 MiB on the project's EPYC). */
const EVICTION_BYTES = 64 * 1024 * 1024;
const CACHE_LINE = 64;
const WARM_MESSAGES = 20_000;

type Receive = (message: Buffer) => void;

/** What the handlers read, reported with the results, so that no receive is work nobody uses. */
const consumed = { characters: 0 };

interface Variant {
  readonly name: string;
  readonly receive: Receive;
}

export function benchColdReceive(options: ColdReceiveOptions = {}): SectionResult {
  const rounds = options.rounds ?? 7;
  const perRound = options.messagesPerRound ?? 400;
  const messages = new MessageMaker();
  const variants = makeVariants();
  // Every variant warmed up, and the dedup window filled to its bound, as on a subscriber that has run a while.
  for (let i = 0; i < 120_000; i++) for (const v of variants) v.receive(messages.next());
  const evictor = new CacheEvictor();
  const cold: number[][][] = variants.map(() => []);
  const warm: number[][] = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const times = variants.map(() => [] as number[]);
    for (let i = 0; i < perRound; i++) {
      for (let k = 0; k < variants.length; k++) {
        const index = (i + k) % variants.length;
        evictor.evict();
        (times[index] as number[]).push(timeOne((variants[index] as Variant).receive, messages.next()));
      }
    }
    variants.forEach((v, index) => {
      (cold[index] as number[][]).push(times[index] as number[]);
      (warm[index] as number[]).push(timeWarm(v.receive, messages));
    });
  }
  return report(variants, cold, warm, { rounds, perRound });
}

/** The raw listener's work, and the subscriber's pipeline with dedup off and with the default window. */
function makeVariants(): Variant[] {
  const raw: Variant = {
    name: "raw: toString + JSON.parse",
    receive: (message) => {
      const event = JSON.parse(message.toString()) as PriceUpdateEvent;
      consumed.characters += event.price.length;
    },
  };
  const pipeline = new MessagePipeline({
    maxMessageBytes: 1024 * 1024,
    excerptBytes: 256,
    counters: zeroSubscriberStats(),
    alive: () => {},
    onInvalid: (invalid) => {
      throw new Error(`a benchmark message was refused: ${JSON.stringify(invalid.reasons)}`);
    },
    onError: (error) => {
      throw error;
    },
  });
  const topic = topicsFor(CHANNEL, { symbols: ["AAPL"] })[0] as ReturnType<typeof topicsFor>[number];
  const channelBytes = Buffer.from(topic.name);
  const subscriptionWith = (dedup: ReturnType<typeof dedupForChannel>) => {
    const subscription = new Subscription(topic, dedup);
    subscription.sinks = [
      (event) => {
        consumed.characters += (event as PriceUpdateEvent).price.length;
      },
    ];
    return subscription;
  };
  const withoutDedup = subscriptionWith(undefined);
  const withWindow = subscriptionWith(dedupForChannel(CHANNEL, undefined, undefined));
  return [
    raw,
    {
      name: "subscriber pipeline, dedup off",
      receive: (m) => pipeline.receive(withoutDedup, channelBytes, m),
    },
    {
      name: "subscriber pipeline, dedup window (default)",
      receive: (m) => pipeline.receive(withWindow, channelBytes, m),
    },
  ];
}

/** Price updates with a fresh event id each, as the wire carries them (a Buffer, as ioredis hands it over). */
class MessageMaker {
  readonly #template: Buffer;
  readonly #idAt: number;
  #count = 0;

  constructor() {
    const example = channels[CHANNEL].examples[0]?.payload;
    if (example === undefined) throw new Error("the spec has no price.updated example");
    const placeholder = "00000000-0000-4000-8000-000000000000";
    this.#template = Buffer.from(JSON.stringify({ ...example, symbol: "AAPL", event_id: placeholder }));
    this.#idAt = this.#template.indexOf(placeholder);
  }

  /** The template with the next event id: the count in octal digits in the id's first and last groups. */
  next(): Buffer {
    const message = Buffer.allocUnsafe(this.#template.length);
    this.#template.copy(message);
    let n = this.#count++;
    for (let i = 35; i >= 28; i--, n = Math.floor(n / 8)) message[this.#idAt + i] = 0x30 + (n % 8);
    for (let i = 7; i >= 0; i--, n = Math.floor(n / 8)) message[this.#idAt + i] = 0x30 + (n % 8);
    return message;
  }
}

/** Writes one byte of every cache line of a buffer larger than the caches. */
class CacheEvictor {
  readonly #bytes = new Uint8Array(EVICTION_BYTES);

  evict(): void {
    const bytes = this.#bytes;
    for (let i = 0; i < bytes.length; i += CACHE_LINE) bytes[i] = (bytes[i] as number) + 1;
  }
}

function timeOne(receive: Receive, message: Buffer): number {
  const started = process.hrtime.bigint();
  receive(message);
  return Number(process.hrtime.bigint() - started);
}

/** ns per message over a warm loop of WARM_MESSAGES messages. */
function timeWarm(receive: Receive, messages: MessageMaker): number {
  const batch = Array.from({ length: WARM_MESSAGES }, () => messages.next());
  const started = process.hrtime.bigint();
  for (const message of batch) receive(message);
  return Number(process.hrtime.bigint() - started) / WARM_MESSAGES;
}

function report(
  variants: readonly Variant[],
  cold: readonly (readonly number[][])[],
  warm: readonly (readonly number[])[],
  settings: { rounds: number; perRound: number },
): SectionResult {
  const coldMedians = cold.map((rounds) => rounds.map((times) => median(times)));
  const rawCold = coldMedians[0] as number[];
  const rawWarm = warm[0] as readonly number[];
  const row = (variant: Variant, index: number): Cell[] => {
    const coldRounds = coldMedians[index] as number[];
    const warmRounds = warm[index] as readonly number[];
    const coldRatios = coldRounds.map((ns, r) => ns / (rawCold[r] as number));
    const warmRatios = warmRounds.map((ns, r) => ns / (rawWarm[r] as number));
    return [
      variant.name,
      round(median(coldRounds) / 1000, 2),
      round(median(warmRounds) / 1000, 2),
      round((median(coldRounds) - median(rawCold)) / 1000, 2),
      round((median(warmRounds) - median(rawWarm)) / 1000, 2),
      `${ratio(median(coldRatios), 1)} [${round(Math.min(...coldRatios), 2)}–${round(Math.max(...coldRatios), 2)}]`,
      `${ratio(median(warmRatios), 1)} [${round(Math.min(...warmRatios), 2)}–${round(Math.max(...warmRatios), 2)}]`,
    ];
  };
  return {
    id: "cold-receive",
    title: "4c. Receiving one message with cold caches",
    tables: [
      {
        title: "4c. Receiving one price update with cold caches and warm, µs per message (median of rounds)",
        columns: [
          "Receiver",
          "cold",
          "warm",
          "cold, more than raw",
          "warm, more than raw",
          "cold ÷ raw [min–max]",
          "warm ÷ raw [min–max]",
        ],
        rows: variants.map(row),
        notes: [
          `${settings.rounds} rounds; in each, ${settings.perRound} messages per receiver timed one at a time after a ` +
            `${EVICTION_BYTES / 1024 / 1024} MiB walk that evicts the CPU's caches (the receivers taking turns ` +
            `message by message), then ${WARM_MESSAGES.toLocaleString("en-US")} in a warm loop. Cold: the median ` +
            "message of the round; warm: the loop's mean. Ratios per round against raw, then their median. The " +
            "subscriber pipeline is what its connection calls per message (size, UTF-8, JSON, tolerant contract, " +
            "channel parameter, dedup, the handler); the dedup window is filled to its 100,000 bound first. " +
            "Price updates with a fresh event_id each, as Buffers.",
        ],
      },
    ],
    targets: [],
    data: {
      ...settings,
      evictionBytes: EVICTION_BYTES,
      consumedCharacters: consumed.characters,
      variants: variants.map((v) => v.name),
      // Per receiver and round: the median cold message and the warm loop's mean (ns), not every message.
      coldMedians,
      warm,
    },
  };
}
