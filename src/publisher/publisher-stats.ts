// The publisher's counters: each part that counts adds to them; stats() reads them with the live figures.
import type { FallbackBuffer } from "./buffer/fallback-buffer.js";
import type { PublisherStats } from "./publisher-types.js";
import type { SendPath } from "./send/publish-attempt.js";

export interface PublisherCounters {
  published: number;
  retried: number;
  buffered: number;
  replayed: number;
  dropped: number;
}

export function createCounters(): PublisherCounters {
  return { published: 0, retried: 0, buffered: 0, replayed: 0, dropped: 0 };
}

/** A snapshot of the counters with the figures owned elsewhere (in flight, the buffer's state). */
export function snapshotStats(
  counters: PublisherCounters,
  inFlight: number,
  buffer: FallbackBuffer,
  sendPath: SendPath,
): PublisherStats {
  return {
    ...counters,
    inFlight,
    bufferSize: buffer.size,
    durability: buffer.durability,
    recovery: buffer.recovery,
    sendPath,
  };
}
