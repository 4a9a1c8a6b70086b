// JSON text to a value, refusing what would pollute a prototype: a `__proto__` key, or a `constructor`
// key holding a `prototype` (secure-json-parse's rule, which decides every such case here). To find
// them, secure-json-parse scans each text with two regular expressions after parsing it. A key can
// spell either name only literally or with a `\u` escape, so a text with none of `__proto__`,
// `constructor` or `\u` cannot hold one: one scan decides that for almost every message, and only
// the rest go through secure-json-parse. It matters most to a subscriber reading one message per
// wake-up, where each extra scan is code and data the CPU has to fetch again (bench section 4c).
import secureJson from "secure-json-parse";

/** Matches every text in which a key could spell `__proto__` or `constructor`, and a few more. */
const MAY_HOLD_FORBIDDEN_KEY = /__proto__|constructor|\\u/;
const BYTE_ORDER_MARK = 0xfeff;
const REFUSE_BOTH = { protoAction: "error", constructorAction: "error" } as const;
/** secure-json-parse's message for both kinds of forbidden key. */
const FORBIDDEN_KEY_MESSAGE = "Object contains forbidden prototype property";

/**
 * Parses `text` as secure-json-parse does with both actions "error": the same value, or a SyntaxError
 * (secure-json-parse's "Object contains forbidden prototype property" for a forbidden key).
 */
export function parseJsonRefusingPrototypeKeys(text: string): unknown {
  // secure-json-parse also drops a leading byte-order mark, which JSON.parse refuses.
  if (text.charCodeAt(0) === BYTE_ORDER_MARK || MAY_HOLD_FORBIDDEN_KEY.test(text))
    return secureJson.parse(text, undefined, REFUSE_BOTH);
  return JSON.parse(text);
}

/**
 * Whether `error` is the SyntaxError for a forbidden key, not one for text that is not JSON. Compared whole:
 * JSON.parse's own messages quote the text, which may say "prototype" anywhere.
 */
export function isForbiddenKeyError(error: unknown): boolean {
  return error instanceof SyntaxError && error.message === FORBIDDEN_KEY_MESSAGE;
}
