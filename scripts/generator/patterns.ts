// `pattern` checks written into generated/validators.ts in place of regular expressions, for the
// patterns the contract uses: the ticker and the two decimal forms. Each reads char codes: a price
// message runs seven of them, and a RegExp test costs ~30–40 ns where these cost a few. Any other
// pattern stays a RegExp. The accept sets equal the regular expressions' (with or without the `u`
// flag: every pattern here is ASCII-only); test/generator/patterns.test.ts checks a million generated
// strings per pattern against them. The source is text because the generator writes it verbatim.

export const patternsSource = `/** A to Z, a to z or 0 to 9. */
function isAsciiAlphanumeric(code) {
  return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
}

/** \`^[A-Za-z0-9][A-Za-z0-9./_-]{0,31}$\`: a ticker. */
function isTicker(text) {
  const length = text.length;
  if (length < 1 || length > 32 || !isAsciiAlphanumeric(text.charCodeAt(0))) return false;
  for (let at = 1; at < length; at++) {
    const code = text.charCodeAt(at);
    // . / _ -
    if (!isAsciiAlphanumeric(code) && code !== 46 && code !== 47 && code !== 95 && code !== 45) return false;
  }
  return true;
}

/** The index after one or more ASCII digits from at, or -1 when there is none. */
function digitRunEnd(text, at) {
  // Bounds checked here: charCodeAt past the end (NaN) deoptimises the optimised code.
  const length = text.length;
  let end = at;
  while (end < length) {
    const code = text.charCodeAt(end);
    if (code < 48 || code > 57) break;
    end++;
  }
  return end === at ? -1 : end;
}

/** \`(E[+-][0-9]+)?$\` from at: nothing left, or an exponent that ends the text. */
function isExponentToEnd(text, at) {
  if (at === text.length) return true;
  if (at + 2 >= text.length || text.charCodeAt(at) !== 69) return false; // E, a sign and a digit at least
  const sign = text.charCodeAt(at + 1);
  return (sign === 43 || sign === 45) && digitRunEnd(text, at + 2) === text.length;
}

/** \`[0-9]+(\\.[0-9]+)?(E[+-][0-9]+)?$\` from at. */
function isUnsignedDecimalFrom(text, at) {
  let end = digitRunEnd(text, at);
  if (end >= 0 && end < text.length && text.charCodeAt(end) === 46) end = digitRunEnd(text, end + 1); // .
  return end >= 0 && isExponentToEnd(text, end);
}

/** \`^-?[0-9]+(\\.[0-9]+)?(E[+-][0-9]+)?$\`: a decimal in Python's Decimal.__str__ form. */
function isDecimal(text) {
  return isUnsignedDecimalFrom(text, text.length > 0 && text.charCodeAt(0) === 45 ? 1 : 0);
}

/** \`^(-0(\\.0+)?(E[+-][0-9]+)?|[0-9]+(\\.[0-9]+)?(E[+-][0-9]+)?)$\`: a decimal of zero or more; a minus only on a zero. */
function isNonNegativeDecimal(text) {
  const length = text.length;
  if (length === 0 || text.charCodeAt(0) !== 45) return isUnsignedDecimalFrom(text, 0);
  if (length < 2 || text.charCodeAt(1) !== 48) return false;
  let end = 2;
  if (end < length && text.charCodeAt(end) === 46) {
    const zerosFrom = ++end;
    while (end < length && text.charCodeAt(end) === 48) end++;
    if (end === zerosFrom) return false;
  }
  return isExponentToEnd(text, end);
}

/** The char-code check for each pattern source that has one. */
const contractPatternChecks = new Map([
  ["^[A-Za-z0-9][A-Za-z0-9./_-]{0,31}$", isTicker],
  ["^-?[0-9]+(\\\\.[0-9]+)?(E[+-][0-9]+)?$", isDecimal],
  ["^(-0(\\\\.0+)?(E[+-][0-9]+)?|[0-9]+(\\\\.[0-9]+)?(E[+-][0-9]+)?)$", isNonNegativeDecimal],
]);

/** What Ajv calls for each \`pattern\` (its \`code.regExp\` option): a char-code check, or else a RegExp. */
function contractPattern(source, flags) {
  const test = contractPatternChecks.get(source);
  if (test === undefined) return new RegExp(source, flags);
  // Ajv keys its compiled patterns by toString(): the RegExp's own text keeps them apart.
  return { test, toString: () => \`/\${source}/\${flags}\` };
}`;

export interface PatternChecks {
  isTicker(text: string): boolean;
  isDecimal(text: string): boolean;
  isNonNegativeDecimal(text: string): boolean;
  contractPattern(source: string, flags: string): { test(text: string): boolean };
  contractPatternChecks: ReadonlyMap<string, (text: string) => boolean>;
}

/** The same functions, for Ajv to use while it compiles the schemas and for the tests to call. */
export const patternChecks = new Function(
  `${patternsSource}\nreturn { isTicker, isDecimal, isNonNegativeDecimal, contractPattern, contractPatternChecks };`,
)() as PatternChecks;

/** Ajv's `code.regExp` option: the engine, and the name the standalone code calls it by. */
export const contractRegExpEngine = Object.assign(
  (source: string, flags: string) => patternChecks.contractPattern(source, flags),
  { code: "contractPattern" },
);
