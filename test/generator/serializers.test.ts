// The generated serializers write exactly JSON.stringify's text for the same object with its keys in the
// spec's order, and that text parses back to the payload: fast-check payloads the strict contract
// accepts, with free text full of quotes, backslashes, control characters and lone surrogates.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ChannelName, channelNames, channels } from "../../generated/index.js";
import { prepareMessage } from "../../src/publisher/message/prepare-message.js";
import { inSpecOrder, validPayloadArbitrary } from "../support/payload-arbitraries.js";

const RUNS = 1_500;
const EVENT_ID = "7d7c5a4e-3f0a-4b8e-9c1d-2a6b9e0f4c31";

const serializerOf = (channel: ChannelName) =>
  channels[channel].serialize as (payload: unknown, eventId?: string) => string;

describe.each(channelNames)("serializer of %s", (channel) => {
  const validate = channels[channel].validateStrict as ((payload: unknown) => boolean) & { errors?: unknown };

  it(`writes JSON.stringify's text of the payload in the spec's order (${RUNS} generated payloads)`, () => {
    fc.assert(
      fc.property(validPayloadArbitrary(channel), (payload) => {
        expect(validate(payload), JSON.stringify(validate.errors)).toBe(true);
        const body = serializerOf(channel)(payload);
        expect(body).toBe(JSON.stringify(payload));
        expect(JSON.parse(body)).toStrictEqual(payload);
      }),
      { numRuns: RUNS, seed: 20261129 },
    );
  });

  it("writes the event id it is given when the payload has none, and the payload's own otherwise", () => {
    fc.assert(
      fc.property(validPayloadArbitrary(channel), (payload) => {
        const body = serializerOf(channel)(payload, EVENT_ID);
        const want = inSpecOrder(channel, { ...payload, event_id: payload.event_id ?? EVENT_ID });
        expect(body).toBe(JSON.stringify(want));
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });

  it("prepareMessage publishes the same text, whatever the key order of the caller's object", () => {
    fc.assert(
      fc.property(validPayloadArbitrary(channel), (payload) => {
        const reversed = Object.fromEntries(Object.entries(payload).reverse());
        const message = prepareMessage(channel, reversed as never);
        expect(message.body).toBe(
          JSON.stringify(inSpecOrder(channel, { ...payload, event_id: message.eventId })),
        );
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });
});

describe("free text that JSON must escape", () => {
  const signal = channels["signals.generated"].examples[0]?.payload as Record<string, unknown>;
  const cases: [name: string, text: string, written: string][] = [
    ["a quote", 'a"b', '"a\\"b"'],
    ["a backslash", "a\\b", '"a\\\\b"'],
    ["a newline and a NUL", "a\n\u0000", '"a\\n\\u0000"'],
    ["U+2028 stays as it is (valid in JSON)", "a\u2028", '"a\u2028"'],
    ["a surrogate pair stays as it is", "😀", '"😀"'],
    // The contract accepts a lone surrogate (JSON Schema counts it as a character); the wire carries it
    // as a \u escape, as JSON.stringify does since ES2019, so the bytes are valid UTF-8 and parse back.
    ["a lone high surrogate is written as an escape", "a\ud800", '"a\\ud800"'],
    ["a lone low surrogate is written as an escape", "\udc00z", '"\\udc00z"'],
  ];
  it.each(cases)("%s", (_name, text, written) => {
    const payload = { ...signal, strategy_id: text };
    const body = serializerOf("signals.generated")(payload);
    expect(body).toContain(`"strategy_id":${written},`);
    expect(body).toBe(JSON.stringify(payload));
    expect((JSON.parse(body) as { strategy_id: string }).strategy_id).toBe(text);
    expect(Buffer.from(body, "utf8").toString("utf8")).toBe(body);
  });
});
