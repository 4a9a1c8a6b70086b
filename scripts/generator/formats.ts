// Format checks written into generated/validators.ts in place of ajv-formats' generic ones: `date-time`
// (exact RFC 3339, which ajv-formats is not: it takes `+0500`), `date` and `uuid`. Each reads char codes
// instead of running a regular expression with capture groups: ~30–60 ns instead of ~120–280 ns, the
// largest cost of validating an event. The accept sets equal the regular expressions they replace
// (test/generator/formats.test.ts checks a million generated strings per format against them).
// The source is kept as text because the generator writes it into the generated module verbatim.

export const formatsSource = `/** Two decimal digits at index at, as a number; -1 when either is not a digit (or is past the end). */
function twoDigits(text, at) {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

function daysInMonth(year, month) {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** \`YYYY-MM-DD\`, a calendar-valid date (RFC 3339 full-date). Index 10 must be the end or the time. */
function isDateAt0(text) {
  const century = twoDigits(text, 0);
  const yearOfCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if ((century | yearOfCentury | month | day) < 0) return false;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(century * 100 + yearOfCentury, month);
}

/** RFC 3339 \`full-date\` (what ajv-formats' \`date\` accepts). */
function isFullDate(text) {
  return text.length === 10 && isDateAt0(text);
}

/** RFC 3339 \`date-time\`: a calendar-valid date, \`T\`, a time, optional fractions, a required offset. */
function isRfc3339DateTime(text) {
  const length = text.length;
  if (length < 20 || !isDateAt0(text) || (text.charCodeAt(10) | 32) !== 116) return false; // T or t
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if ((hour | minute | second) < 0 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  let at = 19;
  if (text.charCodeAt(at) === 46) {
    const digitsFrom = ++at;
    for (let code = text.charCodeAt(at); code >= 48 && code <= 57; code = text.charCodeAt(++at));
    if (at === digitsFrom) return false;
  }
  const sign = text.charCodeAt(at);
  if ((sign | 32) === 122) return at + 1 === length && (second !== 60 || minute === 59); // Z or z
  if ((sign !== 43 && sign !== 45) || at + 6 !== length || text.charCodeAt(at + 3) !== 58) return false;
  const offsetHour = twoDigits(text, at + 1);
  const offsetMinute = twoDigits(text, at + 4);
  // A leap second only ends a UTC minute (RFC 3339 section 5.7); with an offset, any local minute may be it.
  return offsetHour >= 0 && offsetHour <= 23 && offsetMinute >= 0 && offsetMinute <= 59;
}

/** 1 at the char code of each hexadecimal digit, either case: a load instead of branches that a random uuid mispredicts. */
const HEX_DIGITS = new Uint8Array(128);
for (const digit of "0123456789abcdefABCDEF") HEX_DIGITS[digit.charCodeAt(0)] = 1;

/** Hexadecimal digits from index from up to (not including) to. */
function isHexRun(text, from, to) {
  for (let at = from; at < to; at++) {
    const code = text.charCodeAt(at);
    if (code >= 128 || HEX_DIGITS[code] !== 1) return false;
  }
  return true;
}

/** \`8-4-4-4-12\` hexadecimal digits, either case, optionally after \`urn:uuid:\` (what ajv-formats' \`uuid\` accepts). */
function isUuid(text) {
  let at = 0;
  if (text.length === 45) {
    for (; at < 9; at++) {
      const code = text.charCodeAt(at);
      const want = "urn:uuid:".charCodeAt(at);
      if (code !== want && (want === 58 || (code | 32) !== want)) return false; // letters in either case
    }
  } else if (text.length !== 36) {
    return false;
  }
  return (
    isHexRun(text, at, at + 8) &&
    text.charCodeAt(at + 8) === 45 &&
    isHexRun(text, at + 9, at + 13) &&
    text.charCodeAt(at + 13) === 45 &&
    isHexRun(text, at + 14, at + 18) &&
    text.charCodeAt(at + 18) === 45 &&
    isHexRun(text, at + 19, at + 23) &&
    text.charCodeAt(at + 23) === 45 &&
    isHexRun(text, at + 24, at + 36)
  );
}

const contractFormatChecks = {
  "date-time": { type: "string", validate: isRfc3339DateTime },
  date: { type: "string", validate: isFullDate },
  uuid: { type: "string", validate: isUuid },
};`;

export interface FormatChecks {
  isRfc3339DateTime(text: string): boolean;
  isFullDate(text: string): boolean;
  isUuid(text: string): boolean;
}

/** The same functions, for Ajv to use while it compiles the schemas and for the tests to call. */
export const formatChecks = new Function(
  `${formatsSource}\nreturn { isRfc3339DateTime, isFullDate, isUuid };`,
)() as FormatChecks;

/** The formats as Ajv takes them (`ajv.addFormat(name, definition)`), keyed by format name. */
export const contractFormatDefinitions = {
  "date-time": { type: "string", validate: formatChecks.isRfc3339DateTime },
  date: { type: "string", validate: formatChecks.isFullDate },
  uuid: { type: "string", validate: formatChecks.isUuid },
} as const;
