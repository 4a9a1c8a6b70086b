// RFC 3339 `date-time` as the package checks it: the generated validators use a faster char-code
// version of the same accept set (scripts/generator/formats.ts, not importable from the runtime);
// test/contract/compatibility/real-messages.test.ts holds the two equal. Validators that the checker
// compiles at run time must judge timestamps exactly as the package does.

export function rfc3339DateTime(value: string): boolean {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  if (month < 1 || month > 12 || day < 1 || Number(match[4]) > 23 || minute > 59 || second > 60) return false;
  if (match[7] !== undefined && (Number(match[7]) > 23 || Number(match[8]) > 59)) return false;
  // A leap second only ends a minute (RFC 3339 section 5.7).
  if (second === 60 && minute !== 59 && match[7] === undefined) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const thirty = month === 4 || month === 6 || month === 9 || month === 11;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : thirty ? 30 : 31;
  return day <= daysInMonth;
}
