// The reference implementations the generated format checks must agree with: the regular-expression
// RFC 3339 check the generator wrote before (commit 31e32af) and ajv-formats' own `date` and `uuid`.
import { fullFormats } from "ajv-formats/dist/formats.js";

/** RFC 3339 `date-time` as a regular expression plus range checks (the previous generated code). */
export function referenceDateTime(value: string): boolean {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/.exec(value);
  if (match === null) return false;
  const year = +(match[1] as string);
  const month = +(match[2] as string);
  const day = +(match[3] as string);
  const minute = +(match[5] as string);
  const second = +(match[6] as string);
  if (month < 1 || month > 12 || day < 1 || +(match[4] as string) > 23 || minute > 59 || second > 60) {
    return false;
  }
  if (match[7] !== undefined && (+match[7] > 23 || +(match[8] as string) > 59)) return false;
  if (second === 60 && minute !== 59 && match[7] === undefined) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= daysInMonth;
}

const ajvDate = fullFormats.date as { validate: (value: string) => boolean };
const ajvUuid = fullFormats.uuid as RegExp;

export const referenceDate = (value: string): boolean => ajvDate.validate(value);
export const referenceUuid = (value: string): boolean => ajvUuid.test(value);
