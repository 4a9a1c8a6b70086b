// "Did you mean …?": the contract channel nearest to a misspelled channel name, address or pattern,
// by edit distance (fastest-levenshtein), or none when nothing is close enough to be a typo.
import { distance } from "fastest-levenshtein";

/**
 * The candidate channel closest to `text`, or undefined when even the closest one is too far to be
 * a plausible misspelling. A parameterised channel (`price.updated.{symbol}`) is compared by its
 * fixed part, so `prices.updated.AAPL` and `price.update.*` both point at it.
 */
export function closestChannel(text: string, candidates: readonly string[]): string | undefined {
  let best: { channel: string; cost: number } | undefined;
  for (const channel of candidates) {
    const cost = misspellingCost(text, channel);
    if (best === undefined || cost < best.cost) best = { channel, cost };
  }
  if (best === undefined || best.cost > tolerance(text)) return undefined;
  return best.channel;
}

/** Up to about one edit in three characters still reads as a typo of the same name. */
function tolerance(text: string): number {
  return Math.max(2, Math.floor(text.length / 3));
}

function misspellingCost(text: string, channel: string): number {
  const given = text.toLowerCase();
  const whole = distance(given, channel.toLowerCase());
  const parameterAt = channel.indexOf("{");
  if (parameterAt < 0) return whole;
  // Compare the fixed prefix with as many dot-separated segments of the text as the prefix has:
  // the rest of the text is the parameter (which may itself contain dots: `BRK.B`).
  const prefix = channel.slice(0, parameterAt).toLowerCase();
  const segments = prefix.split(".").length - 1;
  const givenPrefix = given.split(".").slice(0, segments).join(".");
  const hasParameter = given.length > givenPrefix.length + 1;
  const prefixCost = distance(`${givenPrefix}.`, prefix) + (hasParameter ? 0 : 1);
  return Math.min(whole, prefixCost);
}
