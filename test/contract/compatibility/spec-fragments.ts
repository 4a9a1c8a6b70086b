// Small AsyncAPI documents for the compatibility tests: one channel, one message, two operations,
// and a payload with one field of every kind a rule looks at. Tests change a copy and compare.
import { parseSpecDocument, type SpecDocument } from "../../../src/contract/compatibility/index.js";

// biome-ignore lint/suspicious/noExplicitAny: fragments are plain JSON that each test edits freely
export type Doc = Record<string, any>;

export function baseDoc(): Doc {
  return {
    asyncapi: "3.0.0",
    info: { title: "Fragments", version: "1.0.0" },
    channels: {
      trades: {
        address: "trades.{venue}",
        parameters: { venue: { location: "$message.payload#/venue", description: "The venue." } },
        messages: { TradeEvent: { $ref: "#/components/messages/TradeEvent" } },
      },
    },
    operations: {
      publishTrades: {
        action: "send",
        channel: { $ref: "#/channels/trades" },
        messages: [{ $ref: "#/channels/trades/messages/TradeEvent" }],
      },
      receiveTrades: {
        action: "receive",
        channel: { $ref: "#/channels/trades" },
        messages: [{ $ref: "#/channels/trades/messages/TradeEvent" }],
      },
    },
    components: {
      messages: {
        TradeEvent: {
          name: "TradeEvent",
          contentType: "application/json",
          payload: { $ref: "#/components/schemas/TradeEvent" },
          examples: [{ name: "one", payload: { venue: "X", id: "T1", size: 5, side: "buy", kind: "trade" } }],
        },
      },
      schemas: {
        TradeEvent: {
          type: "object",
          required: ["venue", "id"],
          properties: {
            venue: { type: "string", pattern: "^[A-Z]+$", maxLength: 8 },
            id: { type: "string", minLength: 1, maxLength: 10, description: "The trade's id." },
            size: { type: "integer", minimum: 0, maximum: 100 },
            side: { type: "string", enum: ["buy", "sell"] },
            kind: { type: "string", const: "trade" },
            at: { type: "string", format: "date-time" },
            price: { type: "string" },
            note: { type: "string", maxLength: 50 },
            tags: { type: "array", minItems: 1, maxItems: 5, items: { type: "string", minLength: 1 } },
            meta: { type: "object", additionalProperties: true, properties: { source: { type: "string" } } },
          },
        },
      },
    },
  };
}

/** The payload schema of the base document, for edits. */
export const payloadOf = (doc: Doc): Doc => doc.components.schemas.TradeEvent;
export const fieldOf = (doc: Doc, name: string): Doc => payloadOf(doc).properties[name];

export function edited(change: (doc: Doc) => void, from: Doc = baseDoc()): Doc {
  const copy = structuredClone(from);
  change(copy);
  return copy;
}

export function toSpec(doc: Doc, source: string): SpecDocument {
  return parseSpecDocument(JSON.stringify(doc), source);
}
