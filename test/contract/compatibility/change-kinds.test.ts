// Every kind of change, as a pair of spec fragments, classified in both directions, and the same
// pair compared the other way round (new → old), which must give the mirror classification.
import { describe, expect, it } from "vitest";
import { compareContracts, type Direction } from "../../../src/contract/compatibility/index.js";
import { baseDoc, type Doc, edited, fieldOf, payloadOf, toSpec } from "./spec-fragments.js";

const B: Direction[] = ["backward"];
const F: Direction[] = ["forward"];
const BOTH: Direction[] = ["backward", "forward"];
const NONE: Direction[] = [];

interface Row {
  change: (doc: Doc) => void;
  /** The kind and breaks of old → new. */
  kind: string;
  breaks: Direction[];
  /** The kind and breaks of new → old. */
  reverse: [string, Direction[]];
  field?: string;
  /** The field's path in new → old, when it differs (a rename). */
  reverseField?: string;
}

const rows: [string, Row][] = [
  // Channels, messages, operations.
  [
    "channel added: nobody on the old contract uses it",
    {
      change: (d) => {
        d.channels.quotes = { address: "quotes", messages: {} };
      },
      kind: "channel-added",
      breaks: NONE,
      reverse: ["channel-removed", BOTH],
    },
  ],
  [
    "channel renamed (key only): the address on the wire is the same",
    {
      change: (d) => {
        d.channels.allTrades = d.channels.trades;
        delete d.channels.trades;
        for (const op of Object.values(d.operations) as Doc[]) op.channel.$ref = "#/channels/allTrades";
      },
      kind: "channel-renamed",
      breaks: NONE,
      reverse: ["channel-renamed", NONE],
    },
  ],
  [
    "address changed: producers and consumers no longer meet",
    {
      change: (d) => {
        d.channels.trades.address = "fills.{venue}";
      },
      kind: "address-changed",
      breaks: BOTH,
      reverse: ["address-changed", BOTH],
    },
  ],
  [
    "parameter location changed: concrete addresses change",
    {
      change: (d) => {
        d.channels.trades.parameters.venue.location = "$message.payload#/id";
      },
      kind: "parameter-changed",
      breaks: BOTH,
      reverse: ["parameter-changed", BOTH],
    },
  ],
  [
    "parameter description changed: documentation only",
    {
      change: (d) => {
        d.channels.trades.parameters.venue.description = "Where it traded.";
      },
      kind: "annotation-changed",
      breaks: NONE,
      reverse: ["annotation-changed", NONE],
    },
  ],
  [
    "message renamed: its type and schema file names change",
    {
      change: (d) => {
        d.components.messages.TradeEvent.name = "FillEvent";
      },
      kind: "message-renamed",
      breaks: BOTH,
      reverse: ["message-renamed", BOTH],
    },
  ],
  [
    "message added to a channel: old consumers do not know it",
    {
      change: (d) => {
        d.channels.trades.messages.Other = {
          payload: { type: "object", properties: { x: { type: "string" } } },
        };
      },
      kind: "message-added",
      breaks: B,
      reverse: ["message-removed", F],
    },
  ],
  [
    "content type changed",
    {
      change: (d) => {
        d.components.messages.TradeEvent.contentType = "application/cbor";
      },
      kind: "content-type-changed",
      breaks: BOTH,
      reverse: ["content-type-changed", BOTH],
    },
  ],
  [
    "operation added: documents a new sender",
    {
      change: (d) => {
        d.operations.auditTrades = { action: "receive", channel: { $ref: "#/channels/trades" } };
      },
      kind: "operation-added",
      breaks: NONE,
      reverse: ["operation-removed", NONE],
    },
  ],
  [
    "operation renamed: same action on the same channel",
    {
      change: (d) => {
        d.operations.sendTrades = d.operations.publishTrades;
        delete d.operations.publishTrades;
      },
      kind: "operation-renamed",
      breaks: NONE,
      reverse: ["operation-renamed", NONE],
    },
  ],
  [
    "last send operation removed: old consumers wait for messages nobody sends",
    {
      change: (d) => {
        delete d.operations.publishTrades;
      },
      kind: "operation-removed",
      breaks: B,
      reverse: ["operation-added", NONE],
    },
  ],
  [
    "operation annotated (tags, x-services, description): metadata only",
    {
      change: (d) => {
        Object.assign(d.operations.publishTrades, {
          tags: [{ name: "execution-gateway" }],
          "x-services": ["execution-gateway"],
          description: "Sent by the gateway.",
        });
      },
      kind: "operation-metadata-changed",
      breaks: NONE,
      reverse: ["operation-metadata-changed", NONE],
    },
  ],
  [
    "operation action changed",
    {
      change: (d) => {
        d.operations.publishTrades.action = "receive";
      },
      kind: "operation-action-changed",
      breaks: BOTH,
      reverse: ["operation-action-changed", BOTH],
    },
  ],
  // Fields.
  [
    "optional field added: old producers never send it, old consumers ignore it",
    {
      change: (d) => {
        payloadOf(d).properties.venue_id = { type: "string" };
      },
      kind: "field-added-optional",
      field: "/venue_id",
      breaks: NONE,
      reverse: ["field-removed", B],
    },
  ],
  [
    "nullable field added",
    {
      change: (d) => {
        payloadOf(d).properties.bid = { type: ["string", "null"] };
      },
      kind: "field-added-nullable",
      field: "/bid",
      breaks: NONE,
      reverse: ["field-removed", B],
    },
  ],
  [
    "required field added: old producers never send it",
    {
      change: (d) => {
        payloadOf(d).properties.account = { type: "string" };
        payloadOf(d).required.push("account");
      },
      kind: "field-added-required",
      field: "/account",
      breaks: F,
      reverse: ["field-removed", B],
    },
  ],
  [
    "optional field added to an object open to producers (schema-registry#1529)",
    {
      change: (d) => {
        fieldOf(d, "meta").properties.region = { type: "string" };
      },
      kind: "field-added-optional",
      field: "/meta/region",
      breaks: F,
      reverse: ["field-removed", B],
    },
  ],
  [
    "field added to an object closed to consumers",
    {
      change: (d) => {
        payloadOf(d).additionalProperties = false;
      },
      kind: "additionalProperties-changed",
      breaks: NONE,
      reverse: ["additionalProperties-changed", NONE],
    },
  ],
  [
    "field renamed: same schema under a new name",
    {
      change: (d) => {
        const p = payloadOf(d).properties;
        p.remark = p.note;
        delete p.note;
      },
      kind: "field-renamed",
      field: "/remark",
      reverseField: "/note",
      breaks: B,
      reverse: ["field-renamed", B],
    },
  ],
  // Types.
  [
    "type changed from string to integer",
    {
      change: (d) => {
        fieldOf(d, "price").type = "integer";
      },
      kind: "type-changed",
      field: "/price",
      breaks: BOTH,
      reverse: ["type-changed", BOTH],
    },
  ],
  [
    "type widened from integer to number",
    {
      change: (d) => {
        fieldOf(d, "size").type = "number";
      },
      kind: "type-widened",
      field: "/size",
      breaks: B,
      reverse: ["type-narrowed", F],
    },
  ],
  [
    "nullability added",
    {
      change: (d) => {
        fieldOf(d, "note").type = ["string", "null"];
      },
      kind: "nullability-added",
      field: "/note",
      breaks: B,
      reverse: ["nullability-removed", F],
    },
  ],
  [
    "enum value added",
    {
      change: (d) => {
        fieldOf(d, "side").enum.push("short");
      },
      kind: "enum-value-added",
      field: "/side",
      breaks: B,
      reverse: ["enum-value-removed", F],
    },
  ],
  [
    "const changed",
    {
      change: (d) => {
        fieldOf(d, "kind").const = "fill";
      },
      kind: "const-changed",
      field: "/kind",
      breaks: BOTH,
      reverse: ["const-changed", BOTH],
    },
  ],
  [
    "const added",
    {
      change: (d) => {
        fieldOf(d, "price").const = "1";
      },
      kind: "const-added",
      field: "/price",
      breaks: F,
      reverse: ["const-removed", B],
    },
  ],
  // Constraints.
  [
    "minimum tightened",
    {
      change: (d) => {
        fieldOf(d, "size").minimum = 1;
      },
      kind: "minimum-tightened",
      field: "/size",
      breaks: F,
      reverse: ["minimum-loosened", B],
    },
  ],
  [
    "maximum tightened",
    {
      change: (d) => {
        fieldOf(d, "size").maximum = 50;
      },
      kind: "maximum-tightened",
      field: "/size",
      breaks: F,
      reverse: ["maximum-loosened", B],
    },
  ],
  [
    "minLength tightened",
    {
      change: (d) => {
        fieldOf(d, "id").minLength = 2;
      },
      kind: "minLength-tightened",
      field: "/id",
      breaks: F,
      reverse: ["minLength-loosened", B],
    },
  ],
  [
    "maxLength loosened",
    {
      change: (d) => {
        fieldOf(d, "id").maxLength = 20;
      },
      kind: "maxLength-loosened",
      field: "/id",
      breaks: B,
      reverse: ["maxLength-tightened", F],
    },
  ],
  [
    "maxLength added",
    {
      change: (d) => {
        fieldOf(d, "price").maxLength = 64;
      },
      kind: "maxLength-tightened",
      field: "/price",
      breaks: F,
      reverse: ["maxLength-loosened", B],
    },
  ],
  [
    "minItems tightened",
    {
      change: (d) => {
        fieldOf(d, "tags").minItems = 2;
      },
      kind: "minItems-tightened",
      field: "/tags",
      breaks: F,
      reverse: ["minItems-loosened", B],
    },
  ],
  [
    "maxItems loosened",
    {
      change: (d) => {
        fieldOf(d, "tags").maxItems = 9;
      },
      kind: "maxItems-loosened",
      field: "/tags",
      breaks: B,
      reverse: ["maxItems-tightened", F],
    },
  ],
  [
    "pattern changed: two patterns are not compared",
    {
      change: (d) => {
        fieldOf(d, "venue").pattern = "^[A-Z0-9]+$";
      },
      kind: "pattern-changed",
      field: "/venue",
      breaks: BOTH,
      reverse: ["pattern-changed", BOTH],
    },
  ],
  [
    "pattern added",
    {
      change: (d) => {
        fieldOf(d, "price").pattern = "^[0-9]+$";
      },
      kind: "pattern-added",
      field: "/price",
      breaks: F,
      reverse: ["pattern-removed", B],
    },
  ],
  [
    "format changed",
    {
      change: (d) => {
        fieldOf(d, "at").format = "date";
      },
      kind: "format-changed",
      field: "/at",
      breaks: BOTH,
      reverse: ["format-changed", BOTH],
    },
  ],
  [
    "format added",
    {
      change: (d) => {
        fieldOf(d, "price").format = "uuid";
      },
      kind: "format-added",
      field: "/price",
      breaks: F,
      reverse: ["format-removed", B],
    },
  ],
  [
    "required added to an existing field",
    {
      change: (d) => {
        payloadOf(d).required.push("size");
      },
      kind: "required-added",
      field: "/size",
      breaks: F,
      reverse: ["required-removed", B],
    },
  ],
  [
    "additionalProperties from true to false",
    {
      change: (d) => {
        fieldOf(d, "meta").additionalProperties = false;
      },
      kind: "additionalProperties-changed",
      field: "/meta",
      breaks: F,
      reverse: ["additionalProperties-changed", B],
    },
  ],
  [
    "items type changed inside an array",
    {
      change: (d) => {
        fieldOf(d, "tags").items.type = "integer";
      },
      kind: "type-changed",
      field: "/tags[]",
      breaks: BOTH,
      reverse: ["type-changed", BOTH],
    },
  ],
  [
    "a keyword the checker does not model: conservative",
    {
      change: (d) => {
        fieldOf(d, "size").multipleOf = 5;
      },
      kind: "keyword-changed",
      field: "/size",
      breaks: BOTH,
      reverse: ["keyword-changed", BOTH],
    },
  ],
  [
    "description changed: documentation only",
    {
      change: (d) => {
        fieldOf(d, "id").description = "Another text.";
      },
      kind: "annotation-changed",
      field: "/id",
      breaks: NONE,
      reverse: ["annotation-changed", NONE],
    },
  ],
];

function classify(before: Doc, after: Doc, kind: string, field: string | undefined) {
  const report = compareContracts(toSpec(before, "old.yaml"), toSpec(after, "new.yaml"));
  const match = report.findings.find((f) => f.kind === kind && (field === undefined || f.field === field));
  return { report, match };
}

describe("compatibility rules, one pair of fragments per kind of change", () => {
  it.each(rows)("%s", (_name, row) => {
    const before = baseDoc();
    const after = edited(row.change);
    const forwards = classify(before, after, row.kind, row.field);
    expect(forwards.match, JSON.stringify(forwards.report.findings, null, 1)).toBeDefined();
    expect(forwards.match?.breaks).toEqual(row.breaks);
    expect(forwards.match?.reason).toMatch(/\S/);
    expect(forwards.match?.pointer).toMatch(/^(\/|$)/);
    expect(forwards.report.breaking).toBe(forwards.report.findings.some((f) => f.breaks.length > 0));

    const [reverseKind, reverseBreaks] = row.reverse;
    const backwards = classify(after, before, reverseKind, row.reverseField ?? row.field);
    expect(backwards.match, JSON.stringify(backwards.report.findings, null, 1)).toBeDefined();
    expect(backwards.match?.breaks).toEqual(reverseBreaks);
  });

  it("names who breaks for each direction", () => {
    const { match } = classify(
      baseDoc(),
      edited((d) => {
        fieldOf(d, "side").enum.push("short");
      }),
      "enum-value-added",
      "/side",
    );
    expect(match?.whom).toBe(
      "consumers of trades.{venue} built on the old contract, reading producers on the new one",
    );
    const removed = classify(
      baseDoc(),
      edited((d) => {
        delete d.channels.trades;
        d.operations = {};
      }),
      "channel-removed",
      undefined,
    ).match;
    expect(removed?.whom).toContain("built on the new contract, reading producers on the old one");
  });

  it("points into the spec where the changed thing is defined, not where it is referenced", () => {
    const { match } = classify(
      baseDoc(),
      edited((d) => {
        fieldOf(d, "size").maximum = 50;
      }),
      "maximum-tightened",
      "/size",
    );
    expect(match).toMatchObject({
      pointer: "/components/schemas/TradeEvent/properties/size/maximum",
      spec: "new",
    });
    const removed = classify(
      baseDoc(),
      edited((d) => {
        delete payloadOf(d).properties.note;
      }),
      "field-removed",
      "/note",
    ).match;
    expect(removed).toMatchObject({ pointer: "/components/schemas/TradeEvent/properties/note", spec: "old" });
  });

  it("finds nothing between a document and itself, whatever its version", () => {
    const report = compareContracts(
      toSpec(baseDoc(), "a"),
      toSpec(
        edited((d) => {
          d.info.version = "9.0.0";
        }),
        "b",
      ),
    );
    expect(report).toMatchObject({ changed: false, breaking: false, findings: [] });
  });
});
