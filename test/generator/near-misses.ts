// Near misses of a valid string, for the property tests that compare a generated char-code check with its
// reference (formats.test.ts, patterns.test.ts): where a hand-written parser is most likely to be wrong.
import fc from "fast-check";

type Check = (value: string) => boolean;

/** The value, then each position replaced by three of `characters`, dropped, and given one more. */
export function* nearMisses(value: string, salt: number, characters: string): Generator<string> {
  yield value;
  const count = characters.length;
  for (let i = 0; i <= value.length; i++) {
    const head = value.slice(0, i);
    const tail = value.slice(i + 1);
    for (let k = 0; k < 3; k++) {
      const character = characters[(salt + i * 7 + k * 11) % count] as string;
      if (i < value.length) yield head + character + tail;
      else yield value + character;
    }
    if (i < value.length) yield head + tail;
    yield value.slice(0, i) + (characters[(salt + i) % count] as string) + value.slice(i);
  }
}

/**
 * Runs `generated` and `reference` over the near misses of `runs` generated values and throws at the first
 * string they disagree on. Returns how many strings were checked and how many of them the reference accepted.
 */
export function compareOnNearMisses(
  checks: { generated: Check; reference: Check },
  candidates: fc.Arbitrary<string>,
  runs: number,
  characters: string,
): { checked: number; accepted: number } {
  let checked = 0;
  let accepted = 0;
  fc.assert(
    fc.property(candidates, fc.nat(), (value, salt) => {
      for (const candidate of nearMisses(value, salt, characters)) {
        const want = checks.reference(candidate);
        if (checks.generated(candidate) !== want) {
          throw new Error(`${JSON.stringify(candidate)}: generated ${!want}, reference ${want}`);
        }
        checked += 1;
        if (want) accepted += 1;
      }
    }),
    { numRuns: runs, seed: 20261129, endOnFailure: true },
  );
  return { checked, accepted };
}
