// Section 1: validate + serialise one event, per channel. The publisher's own step (prepareMessage:
// strict check, event id, address, generated serializer) against JSON.stringify alone of the same
// payload, the same contract written in zod v4, and Ajv compiling the JSON Schemas at run time. Ratios
// are taken within each round (the variants of one round share the machine's state) and reported as the
// median with the range over the rounds; bytes allocated per call come from heap growth between GCs.
import { Bench } from "tinybench";
import { type ChannelName, type ChannelPayloads, channelNames, channels } from "../generated/index.js";
import { checkPayload } from "../src/contract/validate.js";
import { prepareMessage } from "../src/publisher/message/prepare-message.js";
import { compileRuntimeValidators } from "./ajv-runtime.js";
import type { Cell, SectionResult, TargetCheck } from "./support/report.js";
import { median, round } from "./support/stats.js";
import { zodContract } from "./zod-contract.js";

/** Calls per tinybench sample: a single sub-microsecond call is below the timer's resolution. */
const BATCH = 1_000;
const ROUNDS = 9;
const EVENT_ID = "7d7c5a4e-3f0a-4b8e-9c1d-2a6b9e0f4c31";

type Variant =
  | "prepareMessage"
  | "stringifyAlone"
  | "serializeAlone"
  | "checkPayload"
  | "validateStrict"
  | "zod"
  | "ajvRuntime";

const VARIANT_LABELS: Record<Variant, string> = {
  prepareMessage: "publisher prepareMessage (what publish() runs)",
  stringifyAlone: "JSON.stringify alone (no contract)",
  serializeAlone: "generated serializer alone",
  checkPayload: "checkPayload(strict) + JSON.stringify",
  validateStrict: "generated validateStrict + JSON.stringify",
  zod: "zod v4 parse + JSON.stringify",
  ajvRuntime: "Ajv compiled at run time + JSON.stringify",
};

export interface ValidateSerialiseOptions {
  /** Sampling time per variant and channel, ms. */
  readonly timeMs?: number;
}

export async function benchValidateSerialise(options: ValidateSerialiseOptions = {}): Promise<SectionResult> {
  const timeMs = options.timeMs ?? 200;
  const runtime = compileRuntimeValidators();
  let sink = 0; // keeps every result observable so no call can be optimised away

  const roundsByChannel: Record<string, Record<Variant, number>[]> = {};
  const bytesPerCall: Record<string, { prepareMessage: number; stringifyAlone: number }> = {};
  for (const channel of channelNames) {
    const payload = examplePayload(channel);
    assertAllAgree(channel, payload, runtime);
    const zodSchema = zodContract[channel];
    const validate = channels[channel].validateStrict as (data: unknown) => boolean;
    const runtimeValidate = runtime[channel];
    const serialize = channels[channel].serialize as (payload: unknown) => string;
    const calls: Record<Variant, () => void> = {
      prepareMessage: () => {
        sink += prepareMessage(channel, payload as never).body.length;
      },
      stringifyAlone: () => {
        sink += JSON.stringify(payload).length;
      },
      serializeAlone: () => {
        sink += serialize(payload).length;
      },
      checkPayload: () => {
        const checked = checkPayload(channel, payload, "strict");
        if (checked.ok) sink += JSON.stringify(checked.value).length;
      },
      validateStrict: () => {
        if (validate(payload)) sink += JSON.stringify(payload).length;
      },
      zod: () => {
        sink += JSON.stringify(zodSchema.parse(payload)).length;
      },
      ajvRuntime: () => {
        if (runtimeValidate(payload)) sink += JSON.stringify(payload).length;
      },
    };

    // Rounds re-run every variant; per variant the median over the rounds counts, and each ratio is
    // taken within a round, so that the noise of a shared machine shows as the ratio's range.
    const rounds: Record<Variant, number>[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const bench = new Bench({ time: timeMs, warmupTime: 50, iterations: 10, throws: true });
      for (const [variant, call] of Object.entries(calls)) {
        bench.add(variant, () => {
          for (let i = 0; i < BATCH; i++) call();
        });
      }
      await bench.run();
      const inRound = {} as Record<Variant, number>;
      for (const task of bench.tasks) {
        const result = task.result;
        if (result.state !== "completed") throw new Error(`${channel} ${task.name}: ${result.state}`);
        inRound[task.name as Variant] = (result.latency.p50 * 1e6) / BATCH;
      }
      rounds.push(inRound);
    }
    roundsByChannel[channel] = rounds;
    bytesPerCall[channel] = {
      prepareMessage: allocatedBytesPerCall(calls.prepareMessage),
      stringifyAlone: allocatedBytesPerCall(calls.stringifyAlone),
    };
  }
  if (sink === 0) throw new Error("nothing was serialised");

  const variants = Object.keys(VARIANT_LABELS) as Variant[];
  const nsPerOp = Object.fromEntries(
    channelNames.map((channel) => {
      const rounds = roundsByChannel[channel] ?? [];
      return [channel, Object.fromEntries(variants.map((v) => [v, round(median(rounds.map((r) => r[v])))]))];
    }),
  ) as Record<string, Record<Variant, number>>;
  /** Per channel, a ratio of two variants in each round: median and range. */
  const ratios = (numerator: Variant, denominator: Variant) =>
    channelNames.map((channel) =>
      spread((roundsByChannel[channel] ?? []).map((r) => r[numerator] / r[denominator])),
    );

  const rows: Cell[][] = variants.map((variant) => [
    VARIANT_LABELS[variant],
    ...channelNames.map((channel) => nsPerOp[channel]?.[variant] ?? Number.NaN),
  ]);
  const contractCost = ratios("prepareMessage", "stringifyAlone");
  const zodLead = ratios("zod", "prepareMessage");
  const serializerLead = ratios("stringifyAlone", "serializeAlone");
  rows.push(["prepareMessage ÷ JSON.stringify alone", ...contractCost.map(formatSpread)]);
  rows.push(["zod ÷ prepareMessage", ...zodLead.map(formatSpread)]);
  rows.push(["JSON.stringify ÷ generated serializer", ...serializerLead.map(formatSpread)]);
  rows.push(["Ajv run time ÷ prepareMessage", ...ratios("ajvRuntime", "prepareMessage").map(formatSpread)]);
  rows.push([
    "bytes allocated per call: prepareMessage / JSON.stringify",
    ...channelNames.map(
      (c) => `${bytesPerCall[c]?.prepareMessage ?? "?"} / ${bytesPerCall[c]?.stringifyAlone ?? "?"}`,
    ),
  ]);

  const worstCost = Math.max(...contractCost.map((r) => r.median));
  const leastLead = Math.min(...zodLead.map((r) => r.median));
  const targets: TargetCheck[] = [
    {
      target: "prepareMessage ≤ 1.0× JSON.stringify alone, every channel",
      measured: `${round(worstCost, 2)}× (slowest channel, median of ${ROUNDS} rounds)`,
      met: worstCost <= 1,
    },
    {
      target: "zod v4 ≥ 3× as long as prepareMessage, every channel",
      measured: `${round(leastLead, 2)}× (the least over the channels, median of ${ROUNDS} rounds)`,
      met: leastLead >= 3,
    },
  ];
  return {
    id: "validate-serialise",
    title: "1. Validate + serialise one event (ns/op, median)",
    tables: [
      {
        title: "1. Validate + serialise one event, ns/op (lower is better)",
        columns: ["Variant", ...channelNames],
        rows,
        notes: [
          `ns: median over ${ROUNDS} rounds of each round's median ${BATCH}-call sample. ` +
            "Ratios: median of the per-round ratios [lowest–highest round]. " +
            "Payload: the spec's first example per channel with an event_id, so every variant validates the same object. " +
            "prepareMessage also resolves the Redis channel and checks its parameters. " +
            "Bytes allocated: heap growth over 1,000 calls, median of samples without a GC in between.",
        ],
      },
    ],
    targets,
    data: {
      batch: BATCH,
      rounds: ROUNDS,
      timeMs,
      nsPerOp,
      ratios: Object.fromEntries(
        channelNames.map((c, i) => [
          c,
          {
            prepareVsStringify: contractCost[i],
            zodVsPrepare: zodLead[i],
            stringifyVsSerializer: serializerLead[i],
          },
        ]),
      ),
      bytesPerCall,
    },
  };
}

interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function spread(values: readonly number[]): Spread {
  return {
    median: round(median(values), 3),
    min: round(Math.min(...values), 3),
    max: round(Math.max(...values), 3),
  };
}

const formatSpread = (s: Spread) => `${round(s.median, 2)}× [${round(s.min, 2)}–${round(s.max, 2)}]`;

/** Heap growth per call over 1,000 calls; samples that a GC interrupted (no growth) are left out. */
function allocatedBytesPerCall(call: () => void): number {
  const samples: number[] = [];
  for (let s = 0; s < 41; s++) {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000; i++) call();
    const grown = process.memoryUsage().heapUsed - before;
    if (grown > 0) samples.push(grown / 1_000);
  }
  return Math.round(median(samples));
}

function examplePayload<C extends ChannelName>(channel: C): ChannelPayloads[C] {
  const example = channels[channel].examples[0];
  if (example === undefined) throw new Error(`the spec has no example for ${channel}`);
  return { ...structuredClone(example.payload), event_id: EVENT_ID } as ChannelPayloads[C];
}

/**
 * A comparison is only fair if the three implementations enforce the same contract: each must accept
 * the example and reject the same broken variants of it.
 */
function assertAllAgree(
  channel: ChannelName,
  payload: object,
  runtime: ReturnType<typeof compileRuntimeValidators>,
): void {
  const broken: [string, Record<string, unknown>][] = [
    ["unknown field", { ...payload, extra: 1 }],
    ["naive timestamp", { ...payload, timestamp: "2025-01-18T09:00:00" }],
    ["wrong event_type", { ...payload, event_type: "nope" }],
    ["event_id not a uuid", { ...payload, event_id: "evt-1" }],
    ["missing timestamp", { ...payload, timestamp: undefined }],
  ];
  const judges: [string, (value: unknown) => boolean][] = [
    ["generated", (value) => checkPayload(channel, value, "strict").ok],
    ["zod", (value) => zodContract[channel].safeParse(value).success],
    ["ajv", (value) => runtime[channel](value)],
  ];
  for (const [name, judge] of judges) {
    if (!judge(payload)) throw new Error(`${name} rejects the ${channel} example`);
    for (const [what, value] of broken) {
      const cleaned = JSON.parse(JSON.stringify(value)) as unknown;
      if (judge(cleaned)) throw new Error(`${name} accepts a ${channel} payload with ${what}`);
    }
  }
}
