// The start-up scan on its own: where a damaged span ends, which records it accepts after damage, and which
// lost seqs it reports. Journals are built from encodeRecord, so every byte is known.
import { describe, expect, it } from "vitest";
import { encodeRecord, type JournalRecord } from "../../src/publisher/journal/journal-format.js";
import { scanJournal } from "../../src/publisher/journal/journal-scan.js";

const header = (nextSeq = 1) => encodeRecord({ kind: "header", nextSeq });
const append = (seq: number) =>
  encodeRecord({ kind: "append", seq, bufferedAt: 0, channel: "c", payload: "{}" });
const ack = (seq: number) => encodeRecord({ kind: "ack", seq });
const corrupt = (line: string) => line.replace('"c"', '"d"'); // the checksum no longer matches

function scan(...parts: string[]) {
  return scanJournal(Buffer.from(parts.join("")));
}
const kinds = (records: readonly JournalRecord[]) =>
  records.map((r) => (r.kind === "header" ? "h" : `${r.kind}${r.seq}`));

describe("scanJournal", () => {
  it("a clean journal: every record, no damage", () => {
    const result = scan(header(), append(1), append(2), ack(1));
    expect(kinds(result.records)).toEqual(["h", "append1", "append2", "ack1"]);
    expect(result.damage).toBeUndefined();
    expect(result.totalBytes).toBe(Buffer.byteLength(header() + append(1) + append(2) + ack(1)));
  });

  it.each<[string, string[], string[], number[]]>([
    [
      "garbage glued to the front of a record (no newline) costs only the garbage",
      [header(), append(1), "\u0000\u0000zz", append(2)],
      ["h", "append1", "append2"],
      [],
    ],
    [
      "an ack beyond the last append is accepted after damage: its appends were in the span",
      [header(), append(1), corrupt(append(2)), ack(2), append(3)],
      ["h", "append1", "ack2", "append3"],
      [],
    ],
    [
      "a gap between valid appends is reported lost",
      [header(), append(1), corrupt(append(2)), corrupt(append(3)), append(4)],
      ["h", "append1", "append4"],
      [2, 3],
    ],
    [
      "a seq in the damaged bytes beyond the next valid append is not invented",
      [header(), append(1), corrupt(append(2)).replace('",2,', '",9,'), append(3)],
      ["h", "append1", "append3"],
      [2],
    ],
    [
      "a damaged tail reports the seqs legible in it",
      [header(), append(1), append(2).slice(0, 25)],
      ["h", "append1"],
      [2],
    ],
    [
      "damage before any append reports no range it cannot know",
      [corrupt(header()).replace("1", "2"), append(7)],
      ["append7"],
      [],
    ],
  ])("%s", (_name, parts, records, lostSeqs) => {
    const result = scan(...parts);
    expect(kinds(result.records)).toEqual(records);
    expect(result.damage?.lostSeqs).toEqual(lostSeqs);
  });

  it("several spans are reported apart, with their offsets; adjacent bad pieces are one span", () => {
    const parts = [header(), "bad\n", corrupt(append(1)), append(2), "junk\n", append(3)];
    const offsetOf = (index: number) => Buffer.byteLength(parts.slice(0, index).join(""));
    const { damage } = scan(...parts);
    expect(damage?.spans).toEqual([
      {
        offset: offsetOf(1),
        bytes: Buffer.byteLength(parts[1] + (parts[2] ?? "")),
        reason: "record too short",
      },
      { offset: offsetOf(4), bytes: 5, reason: "record too short" },
    ]);
    expect(damage).toMatchObject({
      offset: offsetOf(1),
      bytes: (damage?.spans[0]?.bytes ?? 0) + 5,
      lostSeqs: [1],
    });
  });
});
