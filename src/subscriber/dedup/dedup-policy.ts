// Which channels get a dedup window and how large: the subscriber's options resolved per channel,
// so that channels whose duplicates do not matter to a consumer cost no dedup work at all.
import type { ChannelName } from "../../../generated/index.js";
import { createDedupWindow, type DedupWindow } from "./dedup-window.js";

export interface DedupSettings {
  /** The most keys remembered per subscription. Default 100,000. */
  readonly maxEntries?: number;
  /** Keys older than this are forgotten. Default 300,000 (5 minutes). */
  readonly maxAgeMs?: number;
  /**
   * Also drop byte-identical copies of messages without an `event_id`, keyed by a SHA-1 of the raw
   * body (the Python producers' retries and replays). Default false: two distinct events may have
   * the same bytes only if the producer sends the same content twice on purpose.
   */
  readonly byBody?: boolean;
}

export interface DedupOptions extends DedupSettings {
  /** Per channel: `false` turns dedup off there, an object overrides the settings above. */
  readonly channels?: { readonly [C in ChannelName]?: boolean | DedupSettings };
}

export const DEFAULT_DEDUP: Required<DedupSettings> = {
  maxEntries: 100_000,
  maxAgeMs: 300_000,
  byBody: false,
};

export interface ChannelDedup {
  readonly byBody: boolean;
  /** Whether the window needs a clock reading per message. */
  readonly timed: boolean;
  create(): DedupWindow;
}

/**
 * The dedup of one channel, or undefined for none. `dedupWindow` is the older shorthand: a number
 * is `maxEntries`, `false` turns dedup off; `dedup` wins when both are given.
 */
export function dedupForChannel(
  channel: ChannelName,
  dedup: false | DedupOptions | undefined,
  dedupWindow: number | false | undefined,
): ChannelDedup | undefined {
  if (dedup === false || (dedup === undefined && dedupWindow === false)) return undefined;
  const base: DedupOptions = dedup ?? (typeof dedupWindow === "number" ? { maxEntries: dedupWindow } : {});
  const override = base.channels?.[channel];
  if (override === false) return undefined;
  const settings = {
    ...DEFAULT_DEDUP,
    ...withoutUndefined(base),
    ...(typeof override === "object" ? withoutUndefined(override) : {}),
  };
  const windowOptions = { maxEntries: settings.maxEntries, maxAgeMs: settings.maxAgeMs };
  createDedupWindow(windowOptions); // fails fast on a bad bound, at createSubscriber() rather than later
  return {
    byBody: settings.byBody,
    timed: settings.maxAgeMs !== Number.POSITIVE_INFINITY,
    create: () => createDedupWindow(windowOptions),
  };
}

function withoutUndefined(settings: DedupSettings): DedupSettings {
  const { maxEntries, maxAgeMs, byBody } = settings;
  return {
    ...(maxEntries === undefined ? {} : { maxEntries }),
    ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
    ...(byBody === undefined ? {} : { byBody }),
  };
}
