// `minLength`/`maxLength` as Ajv compiles them, with an exact `.length` fast path. Ajv counts code
// points with ucs2length() (a loop over the string), twice per field; since a string has at least half
// as many code points as UTF-16 units and at most as many, the unit count alone settles almost every
// case, and ucs2length() runs only where it could change the answer.
import { _, type Ajv, type KeywordCxt, str } from "ajv";
import { useFunc as scopedFunction } from "ajv/dist/compile/util.js";
import ucs2lengthModule from "ajv/dist/runtime/ucs2length.js";

// CommonJS: Node's ESM loader puts the default export one level down, Vite's does not.
type Ucs2length = typeof ucs2lengthModule.default;
const ucs2length: Ucs2length =
  (ucs2lengthModule as { default?: Ucs2length }).default ?? (ucs2lengthModule as unknown as Ucs2length);

/** Replaces Ajv's own minLength and maxLength with the fast-path version; errors stay exactly Ajv's. */
export function addLengthKeywords(ajv: Ajv): void {
  for (const keyword of ["maxLength", "minLength"] as const) {
    ajv.removeKeyword(keyword);
    ajv.addKeyword({
      keyword,
      type: "string",
      schemaType: "number",
      error: {
        message: ({ schemaCode }) =>
          str`must NOT have ${keyword === "maxLength" ? "more" : "fewer"} than ${schemaCode} characters`,
        params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
      },
      code(cxt: KeywordCxt) {
        const { data, schema } = cxt;
        const limit = schema as number;
        const count = scopedFunction(cxt.gen, ucs2length);
        if (keyword === "maxLength") cxt.fail(_`${data}.length > ${limit} && ${count}(${data}) > ${limit}`);
        else cxt.fail(_`${data}.length < ${Math.max(2 * limit - 1, 0)} && ${count}(${data}) < ${limit}`);
      },
    });
  }
}
