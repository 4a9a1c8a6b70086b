// Decides, from a `pattern`'s source, whether every string it accepts can be written into JSON between
// two quotes as it is: printable ASCII without `"` or `\`. Conservative: a construct it does not know
// (`.`, a negated class, lookarounds, `\s`, `\u…`, an unanchored alternative) answers false, and the
// serializer then checks the text for characters to escape at run time, which is always correct.

/** Escapes that stand for printable ASCII other than `"` and `\`: the escaped character or `\d`/`\w`. */
const SAFE_ESCAPES = new Set([..."dw.-/+*?()[]{}|^$"]);

const isSafeCode = (code: number) => code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c;

/** True when the pattern, anchored at both ends, only ever accepts text that needs no JSON escaping. */
export function patternNeedsNoEscaping(source: string): boolean {
  if (!source.startsWith("^") || !source.endsWith("$") || source.endsWith("\\$")) return false;
  const body = source.slice(1, -1);
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === "\\") {
      if (!SAFE_ESCAPES.has(body[++i] ?? "")) return false;
    } else if (c === "[") {
      const end = classEnd(body, i);
      if (end < 0) return false;
      i = end;
    } else if (c === "(") {
      depth++;
      if (body[i + 1] === "?") {
        if (body[i + 2] !== ":") return false; // lookarounds and named groups: not analysed
        i += 2;
      }
    } else if (c === ")") {
      if (--depth < 0) return false;
    } else if (c === "|") {
      if (depth === 0) return false; // `^a|b$` anchors only one side of each alternative
    } else if (c === "{") {
      const quantifier = /^\{\d+(,\d*)?\}/.exec(body.slice(i));
      if (quantifier === null) return false;
      i += quantifier[0].length - 1;
    } else if (c === "." || c === "^" || c === "$" || (!"?*+".includes(c) && !isSafeCode(c.charCodeAt(0)))) {
      return false;
    }
  }
  return depth === 0;
}

/** The index of the `]` closing the class that opens at `start`, or -1 if the class may admit unsafe text. */
function classEnd(body: string, start: number): number {
  let i = start + 1;
  if (body[i] === "^") return -1; // a negated class admits control characters
  let previous = -1; // the last single character's code, a possible range start
  for (; i < body.length; i++) {
    const c = body[i] as string;
    if (c === "]") return i;
    let code: number;
    if (c === "\\") {
      const escaped = body[++i] ?? "";
      if (!SAFE_ESCAPES.has(escaped)) return -1;
      code = escaped === "d" || escaped === "w" ? -1 : escaped.charCodeAt(0);
    } else if (c === "-" && previous >= 0 && body[i + 1] !== "]") {
      const next = body[i + 1] as string;
      if (next === "\\") return -1; // a range up to an escape: not analysed
      const to = next.charCodeAt(0);
      // A range is safe only if it lies within printable ASCII and skips `"` and `\`.
      if (
        to < previous ||
        !isSafeCode(to) ||
        (previous < 0x22 && to > 0x22) ||
        (previous < 0x5c && to > 0x5c)
      ) {
        return -1;
      }
      i++;
      previous = -1;
      continue;
    } else {
      code = c.charCodeAt(0);
      if (!isSafeCode(code)) return -1;
    }
    previous = code;
  }
  return -1;
}
