// Section 1: validate + serialise one event, per channel. The publisher's own step (prepareMessage:
// copy, event id, strict check, address, JSON.stringify) against the same contract written in zod v4
// and against Ajv compiling the JSON Schemas at run time; checkPayload and the bare generated
// validator are the lower bounds the publisher's step is built from.
import { Bench } from "tinybench";
import { type ChannelName, type ChannelPayloads, channelNames, channels } from "../generated/index.js";
import { checkPayload } from "../src/contract/validate.js";
import { prepareMessage } from "../src/publisher/prepare-message.js";
import { compileRuntimeValidators } from "./ajv-runtime.js";
import type { Cell, SectionResult, TargetCheck } from "./support/report.js";
import { ratio } from "./support/report.js";
import { round } from "./support/stats.js";
import { zodContract } from "./zod-contract.js";

/** Calls per tinybench sample: a single sub-microsecond call is below the timer's resolution. */
const BATCH = 1_000;
const ROUNDS = 3;
const EVENT_ID = "7d7c5a4e-3f0a-4b8e-9c1d-2a6b9e0f4c31";

type Variant = "prepareMessage" | "checkPayload" | "validateStrict" | "zod" | "ajvRuntime";

const VARIANT_LABELS: Record<Variant, string> = {
  prepareMessage: "publisher prepareMessage (what publish() runs)",
  checkPayload: "checkPayload(strict) + JSON.stringify",
  validateStrict: "generated validateStrict + JSON.stringify (lower bound)",
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

  const nsPerOp: Record<string, Record<Variant, number>> = {};
  for (const channel of channelNames) {
    const payload = examplePayload(channel);
    assertAllAgree(channel, payload, runtime);
    const zodSchema = zodContract[channel];
    const validate = channels[channel].validateStrict as (data: unknown) => boolean;
    const runtimeValidate = runtime[channel];
    const calls: Record<Variant, () => void> = {
      prepareMessage: () => {
        sink += prepareMessage(channel, payload as never).body.length;
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

    // Rounds re-run every variant; the fastest round's median counts, since a shared machine's noise only
    // ever adds time, and it hits the variants of one round unevenly.
    const perVariant = {} as Record<Variant, number>;
    for (let r = 0; r < ROUNDS; r++) {
      const bench = new Bench({ time: timeMs, warmupTime: 50, iterations: 10, throws: true });
      for (const [variant, call] of Object.entries(calls)) {
        bench.add(variant, () => {
          for (let i = 0; i < BATCH; i++) call();
        });
      }
      await bench.run();
      for (const task of bench.tasks) {
        const result = task.result;
        if (result.state !== "completed") throw new Error(`${channel} ${task.name}: ${result.state}`);
        const ns = round((result.latency.p50 * 1e6) / BATCH);
        const variant = task.name as Variant;
        perVariant[variant] = Math.min(perVariant[variant] ?? Number.POSITIVE_INFINITY, ns);
      }
    }
    nsPerOp[channel] = perVariant;
  }
  if (sink === 0) throw new Error("nothing was serialised");

  const variants = Object.keys(VARIANT_LABELS) as Variant[];
  const rows: Cell[][] = variants.map((variant) => [
    VARIANT_LABELS[variant],
    ...channelNames.map((channel) => nsPerOp[channel]?.[variant] ?? Number.NaN),
  ]);
  const ours = channelNames.map((c) => nsPerOp[c]?.prepareMessage ?? Number.NaN);
  const zod = channelNames.map((c) => nsPerOp[c]?.zod ?? Number.NaN);
  const ajv = channelNames.map((c) => nsPerOp[c]?.ajvRuntime ?? Number.NaN);
  rows.push(["zod ÷ prepareMessage", ...channelNames.map((_, i) => ratio(zod[i] ?? 0, ours[i] ?? 1))]);
  rows.push([
    "Ajv run time ÷ prepareMessage",
    ...channelNames.map((_, i) => ratio(ajv[i] ?? 0, ours[i] ?? 1)),
  ]);

  const slowest = Math.max(...ours);
  const smallestLead = Math.min(...ours.map((o, i) => (zod[i] ?? 0) / o));
  const targets: TargetCheck[] = [
    {
      target: "validate + serialise ≤ 1 µs per event",
      measured: `${round(slowest / 1000, 2)} µs (slowest channel, prepareMessage)`,
      met: slowest <= 1000,
    },
    {
      target: "validate + serialise ≥ 5× faster than zod",
      measured: `zod takes ${round(smallestLead, 2)}× as long (the least over the channels)`,
      met: smallestLead >= 5,
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
          `Median of ${BATCH}-call samples, best of ${ROUNDS} rounds. ` +
            "Payload: the spec's first example per channel with an event_id, so every variant validates the same object. " +
            "prepareMessage also copies the payload, resolves the Redis channel and checks its parameters.",
        ],
      },
    ],
    targets,
    data: { batch: BATCH, rounds: ROUNDS, timeMs, nsPerOp },
  };
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
