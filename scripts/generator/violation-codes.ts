// The one table of violation codes and their sentences, shared by both languages: the generator writes it
// into generated/violations.ts and into the Python package, so TypeScript and Python report the same
// stable code (`decimal.negative`) with the same sentence. A `{name}` in a sentence is filled in per case.

/** Code → sentence. Codes never change meaning; a new kind of violation gets a new code. */
export const violationSentences = {
  "message.too_large": "is {size} bytes, more than the limit of {limit}",
  "message.not_utf8": "is not valid UTF-8",
  "message.empty": "is empty",
  "message.not_json": "is not valid JSON",
  "message.forbidden_key": "has a forbidden __proto__ or constructor.prototype key",
  "channel.unknown": "names no channel of the contract",
  "address.invalid": "cannot form a channel name",
  "address.mismatch": "arrived on {address}, which matches {topic} but is not an address of {channel}",
  "parameter.mismatch": "must equal the channel's {name} {expected}, not {actual}",
  "parameter.option_mismatch": "the {name} option {actual} disagrees with the address",
  "field.missing": "is required",
  "field.unknown": "is not a field of the contract (producers may not send unknown fields)",
  "type.mismatch": "must be {type}",
  "value.not_const": "must be {expected}",
  "value.not_in_enum": "must be one of {allowed}",
  "integer.too_small": "must be {limit} or more",
  "integer.too_large": "must be {limit} or less",
  "string.too_short": "must have at least {limit} character(s)",
  "string.too_long": "must have at most {limit} character(s)",
  "array.too_short": "must have at least {limit} item(s)",
  "array.too_long": "must have at most {limit} item(s)",
  "ticker.invalid":
    "is not a ticker: 1 to 32 letters, digits, '.', '/', '_' or '-', starting with a letter or digit",
  "decimal.invalid": 'is not a decimal string as Python\'s Decimal writes it ("150.25", "1.5E+3", "0E-8")',
  "decimal.negative": "must be zero or more",
  "timestamp.naive": 'has no UTC offset: an RFC 3339 date-time needs "Z" or "±hh:mm" at the end',
  "timestamp.invalid": 'is not an RFC 3339 date-time with an offset, such as "2025-01-18T09:00:00Z"',
  "timestamp.invalid_date": "is an invalid Date",
  "timestamp.unrepresentable":
    "is a valid RFC 3339 date-time that Python's datetime cannot hold (year 0 or a leap second)",
  "date.invalid": 'is not a calendar date in the form YYYY-MM-DD, such as "2025-01-17"',
  "uuid.invalid": 'is not a UUID, such as "550e8400-e29b-41d4-a716-446655440000"',
  "pattern.mismatch": "must match the pattern {pattern}",
  "format.invalid": "is not a valid {format}",
  "value.invalid": "fails the contract's {keyword} rule",
} as const;

export type ViolationCode = keyof typeof violationSentences;

/** The contract's own patterns, by source, and the code a value that fails one gets. */
export const patternCodes: Readonly<Record<string, ViolationCode>> = {
  "^[A-Za-z0-9][A-Za-z0-9./_-]{0,31}$": "ticker.invalid",
  "^-?[0-9]+(\\.[0-9]+)?(E[+-][0-9]+)?$": "decimal.invalid",
  // A value of the signed form is only negative; anything else is not a decimal at all.
  "^(-0(\\.0+)?(E[+-][0-9]+)?|[0-9]+(\\.[0-9]+)?(E[+-][0-9]+)?)$": "decimal.negative",
};

/** Formats, and the code a value that fails one gets (`date-time` is `timestamp.naive` when only the offset is missing). */
export const formatCodes: Readonly<Record<string, ViolationCode>> = {
  "date-time": "timestamp.invalid",
  date: "date.invalid",
  uuid: "uuid.invalid",
};

/** A date-time that lacks only its offset: what `timestamp.naive` means (checked only after `date-time` failed). */
export const naiveDateTimePattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?$";

/** A decimal of either sign: a value that fails the zero-or-more pattern but matches this is `decimal.negative`. */
export const signedDecimalPattern = "^-?[0-9]+(\\.[0-9]+)?(E[+-][0-9]+)?$";

/** How `type.mismatch` names each JSON type; several are joined with " or ". */
export const typeWords: Readonly<Record<string, string>> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
  null: "null",
};
