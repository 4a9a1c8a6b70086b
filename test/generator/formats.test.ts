// The char-code format checks written into generated/validators.ts accept exactly what the regular
// expressions they replace accept: named fixtures, then over a million generated strings per format,
// most of them near misses (one character replaced, dropped or added) of a plausible value.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatChecks } from "../../scripts/generator/formats.js";
import { referenceDate, referenceDateTime, referenceUuid } from "./format-references.js";
import { compareOnNearMisses } from "./near-misses.js";

type Check = (value: string) => boolean;

const FORMATS: Record<string, { generated: Check; reference: Check }> = {
  "date-time": { generated: formatChecks.isRfc3339DateTime, reference: referenceDateTime },
  date: { generated: formatChecks.isFullDate, reference: referenceDate },
  uuid: { generated: formatChecks.isUuid, reference: referenceUuid },
};

const fixtures: [format: string, name: string, value: string, valid: boolean][] = [
  ["date-time", "UTC with Z", "2025-01-18T09:00:00Z", true],
  ["date-time", "microseconds and +00:00 (Pydantic)", "2025-01-18T14:30:05.123456+00:00", true],
  ["date-time", "a negative offset", "2025-01-18T09:30:00.123456-05:00", true],
  ["date-time", "lowercase t and z", "2025-01-18t09:00:00z", true],
  ["date-time", "one fraction digit", "2025-01-18T09:00:00.1Z", true],
  ["date-time", "a leap second at 23:59 UTC", "2016-12-31T23:59:60Z", true],
  ["date-time", "a leap second with an offset, any minute", "2016-12-31T18:30:60-05:30", true],
  ["date-time", "29 February of a leap year", "2024-02-29T00:00:00Z", true],
  ["date-time", "29 February of 2000 (divisible by 400)", "2000-02-29T00:00:00Z", true],
  ["date-time", "offset 23:59", "2025-01-18T09:00:00+23:59", true],
  ["date-time", "naive (no offset)", "2025-01-18T09:00:00", false],
  ["date-time", "a space for T", "2025-01-18 09:00:00Z", false],
  ["date-time", "an offset without colon", "2025-01-18T09:00:00+0500", false],
  ["date-time", "an offset of hours only", "2025-01-18T09:00:00+05", false],
  ["date-time", "a dot without fraction digits", "2025-01-18T09:00:00.Z", false],
  ["date-time", "29 February of 1900 (not leap)", "1900-02-29T00:00:00Z", false],
  ["date-time", "31 April", "2025-04-31T00:00:00Z", false],
  ["date-time", "month 13", "2025-13-01T00:00:00Z", false],
  ["date-time", "hour 24", "2025-01-18T24:00:00Z", false],
  ["date-time", "minute 60", "2025-01-18T09:60:00Z", false],
  ["date-time", "second 61", "2025-01-18T09:00:61Z", false],
  ["date-time", "a leap second at another UTC minute", "2016-12-31T23:58:60Z", false],
  ["date-time", "offset hour 24", "2025-01-18T09:00:00+24:00", false],
  ["date-time", "offset minute 60", "2025-01-18T09:00:00+05:60", false],
  ["date-time", "a trailing newline", "2025-01-18T09:00:00Z\n", false],
  ["date-time", "Arabic-Indic digits", "٢٠٢٥-01-18T09:00:00Z", false],
  ["date-time", "empty", "", false],
  ["date", "a date", "2025-01-17", true],
  ["date", "29 February of a leap year", "2024-02-29", true],
  ["date", "29 February of 2100 (not leap)", "2100-02-29", false],
  ["date", "day 0", "2025-01-00", false],
  ["date", "a date-time", "2025-01-17T00:00:00Z", false],
  ["date", "a short year", "225-01-17", false],
  ["uuid", "lowercase v4", "550e8400-e29b-41d4-a716-446655440000", true],
  ["uuid", "uppercase", "550E8400-E29B-41D4-A716-446655440000", true],
  [
    "uuid",
    "any version nibble (ajv-formats does not check it)",
    "550e8400-e29b-f1d4-0716-446655440000",
    true,
  ],
  ["uuid", "with urn:uuid:", "urn:uuid:550e8400-e29b-41d4-a716-446655440000", true],
  [
    "uuid",
    "with URN:UUID: (the regular expression ignores case)",
    "URN:UUID:550e8400-e29b-41d4-a716-446655440000",
    true,
  ],
  ["uuid", "without dashes", "550e8400e29b41d4a716446655440000", false],
  ["uuid", "a g", "550e8400-e29b-41d4-a716-44665544000g", false],
  ["uuid", "braces", "{550e8400-e29b-41d4-a716-446655440000}", false],
  [
    "uuid",
    "a Kelvin sign for k in the prefix position",
    "urn:uuid\u212a550e8400-e29b-41d4-a716-44665544000",
    false,
  ],
  ["uuid", "fullwidth digits", "５50e8400-e29b-41d4-a716-446655440000", false],
];

describe("generated format checks: fixtures", () => {
  it.each(fixtures)("%s: %s", (format, _name, value, valid) => {
    const { generated, reference } = FORMATS[format] as { generated: Check; reference: Check };
    expect(reference(value)).toBe(valid);
    expect(generated(value)).toBe(valid);
  });
});

const pad = (value: number, width: number) => String(value).padStart(width, "0");

const dateParts = {
  year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(1900, 2000, 2024, 2100)),
  month: fc.integer({ min: 0, max: 13 }),
  day: fc.integer({ min: 0, max: 32 }),
};
const date = fc
  .record(dateParts)
  .map(({ year, month, day }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);

const offset = fc.oneof(
  fc.constantFrom("Z", "z", ""),
  fc
    .record({
      sign: fc.constantFrom("+", "-"),
      hours: fc.integer({ min: 0, max: 25 }),
      minutes: fc.integer({ min: 0, max: 61 }),
      colon: fc.constantFrom(":", ":", ""),
    })
    .map(({ sign, hours, minutes, colon }) => `${sign}${pad(hours, 2)}${colon}${pad(minutes, 2)}`),
);
const dateTime = fc
  .record({
    date,
    separator: fc.constantFrom("T", "T", "t", " "),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.oneof(fc.integer({ min: 0, max: 61 }), fc.constant(59)),
    second: fc.oneof(fc.integer({ min: 0, max: 61 }), fc.constant(60)),
    fraction: fc.oneof(
      fc.constant(""),
      fc.nat({ max: 999_999_999 }).map((n) => `.${n}`),
      fc.constant("."),
    ),
    offset,
  })
  .map(
    (p) =>
      `${p.date}${p.separator}${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}${p.fraction}${p.offset}`,
  );

const hexDigit = fc.constantFrom(..."0123456789abcdefABCDEF");
const uuid = fc
  .record({
    digits: fc.array(hexDigit, { minLength: 32, maxLength: 32 }),
    prefix: fc.constantFrom("", "", "urn:uuid:", "URN:uuid:", "urn-uuid:"),
  })
  .map(({ digits, prefix }) => {
    const hex = digits.join("");
    return `${prefix}${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  });

/** Characters a near miss puts in: each format's own, their neighbours, and look-alikes beyond ASCII. */
const NEAR_MISS_CHARACTERS = "0123456789/:;-+.,Tt Zz_aAfFgG{}\n\u0000\u0660\uff10\u212a\ud800\u0130";

const GENERATED_STRINGS = 1_000_000;

describe("generated format checks agree with the reference over a million generated strings each", () => {
  const cases: [string, fc.Arbitrary<string>, number][] = [
    ["date-time", dateTime, 8_000],
    ["date", date, 22_000],
    ["uuid", uuid, 5_000],
  ];
  it.each(cases)("%s", (format, candidates, runs) => {
    const checks = FORMATS[format] as { generated: Check; reference: Check };
    const { checked, accepted } = compareOnNearMisses(checks, candidates, runs, NEAR_MISS_CHARACTERS);
    expect(checked).toBeGreaterThanOrEqual(GENERATED_STRINGS);
    // Both sides of the boundary are exercised, not only rejections.
    expect(accepted).toBeGreaterThan(checked / 100);
  });
});
