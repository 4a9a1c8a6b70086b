// The dedup window's key store: every key comes back equal to itself and to nothing else, whether packed
// into bytes or kept as a string (too long, or beyond Latin-1), across reuse of a slot and a copy to a
// larger store.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KEY_BYTES, PackedKeys } from "../../src/subscriber/dedup/packed-keys.js";

const EXAMPLES = [
  "0f8fad5b-d9cb-469f-a165-70867728950e",
  "urn:uuid:0F8FAD5B-D9CB-469F-A165-70867728950E",
  "2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
  "k".repeat(KEY_BYTES),
  "k".repeat(KEY_BYTES + 1),
  "",
  "é",
  "€ beyond Latin-1",
  "\u0000",
];

describe("packed dedup keys", () => {
  it("each key equals itself only, in every slot", () => {
    const keys = new PackedKeys(EXAMPLES.length);
    for (const [slot, key] of EXAMPLES.entries()) keys.set(slot, key);
    for (const slot of EXAMPLES.keys()) {
      for (const [otherSlot, other] of EXAMPLES.entries()) {
        expect(keys.equals(slot, other)).toBe(slot === otherSlot);
      }
    }
  });

  it("tells apart keys that differ in one character or in length", () => {
    const keys = new PackedKeys(1);
    keys.set(0, "0f8fad5b-d9cb-469f-a165-70867728950e");
    expect(keys.equals(0, "0f8fad5b-d9cb-469f-a165-70867728950f")).toBe(false);
    expect(keys.equals(0, "0f8fad5b-d9cb-469f-a165-70867728950")).toBe(false);
    expect(keys.equals(0, "0F8FAD5B-D9CB-469F-A165-70867728950E")).toBe(false);
    // A character beyond Latin-1 whose low byte is the packed one's is not the same character.
    keys.set(0, "a");
    expect(keys.equals(0, String.fromCharCode(0x161))).toBe(false);
  });

  it("a slot reused for another key forgets the old one, packed or not", () => {
    const keys = new PackedKeys(1);
    keys.set(0, "€ kept as a string");
    keys.delete(0);
    keys.set(0, "packed");
    expect(keys.equals(0, "€ kept as a string")).toBe(false);
    expect(keys.equals(0, "packed")).toBe(true);
    keys.set(0, "€ again");
    expect(keys.equals(0, "packed")).toBe(false);
    expect(keys.equals(0, "€ again")).toBe(true);
  });

  it("copies keep every key, to any slot of a larger store", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "binary", maxLength: 60 }), { minLength: 1, maxLength: 20 }),
        (list) => {
          const from = new PackedKeys(list.length);
          for (const [slot, key] of list.entries()) from.set(slot, key);
          const to = new PackedKeys(list.length * 2);
          for (const slot of list.keys()) from.copyTo(slot, to, list.length * 2 - 1 - slot);
          return list.every((key, slot) => to.equals(list.length * 2 - 1 - slot, key));
        },
      ),
      { seed: 20261205 },
    );
  });
});
