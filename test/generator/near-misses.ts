// Near misses of a valid string, for the property tests that compare a generated char-code check with its
// reference (formats.test.ts, patterns.test.ts): where a hand-written parser is most likely to be wrong.

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
