// Remembers the most recent event ids, so that the duplicates that at-least-once replay produces
// can be dropped within a bounded window (memory stays bounded whatever the traffic).

export interface DedupWindow {
  /** True when the id was seen within the window; otherwise records it and returns false. */
  seen(eventId: string): boolean;
  readonly size: number;
}

export function createDedupWindow(capacity: number): DedupWindow {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`dedup window must be a positive integer, not ${capacity}`);
  // The ring holds the ids in arrival order, so the oldest is found in O(1). (Taking a Set's
  // first element instead costs microseconds once the window is full: V8's iterator walks past
  // the deleted entries at the front on every call.)
  const ids = new Set<string>();
  const ring: (string | undefined)[] = new Array(capacity);
  let oldest = 0;
  return {
    seen(eventId) {
      if (ids.has(eventId)) return true;
      const evicted = ring[oldest];
      if (evicted !== undefined) ids.delete(evicted);
      ring[oldest] = eventId;
      oldest = (oldest + 1) % capacity;
      ids.add(eventId);
      return false;
    },
    get size() {
      return ids.size;
    },
  };
}
