// Emits generated/violations.ts: the violation codes, their sentences and the tables that pick a code,
// from scripts/generator/violation-codes.ts. The Python package gets the same table (emit-python.ts).
import { type GeneratedFile, tsBanner } from "./banner.js";
import type { ContractModel } from "./load-spec.js";
import {
  formatCodes,
  naiveDateTimePattern,
  patternCodes,
  signedDecimalPattern,
  typeWords,
  violationSentences,
} from "./violation-codes.js";

const json = (value: unknown) => JSON.stringify(value, null, 2);

export function emitViolations(model: ContractModel): GeneratedFile {
  const contents = `${tsBanner(model)}
/** Every violation code with its sentence; \`{name}\` is filled in per case. The same table is in the Python package. */
export const violationSentences = ${json(violationSentences)} as const;

export type ViolationCode = keyof typeof violationSentences;

/** The code a value gets when it fails one of the contract's patterns, by pattern source. */
export const patternCodes: Readonly<Record<string, ViolationCode>> = ${json(patternCodes)};

/** The code a value gets when it fails a format. */
export const formatCodes: Readonly<Record<string, ViolationCode>> = ${json(formatCodes)};

/** A date-time that lacks only its offset (\`timestamp.naive\`). */
export const naiveDateTimePattern = ${json(naiveDateTimePattern)};

/** A decimal of either sign: failing zero-or-more but matching this is \`decimal.negative\`. */
export const signedDecimalPattern = ${json(signedDecimalPattern)};

/** How \`type.mismatch\` names each JSON type. */
export const typeWords: Readonly<Record<string, string>> = ${json(typeWords)};
`;
  return { path: "violations.ts", contents };
}
