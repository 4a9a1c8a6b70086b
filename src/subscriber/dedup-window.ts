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
  // A Set iterates in insertion order: its first element is the oldest id.
  const ids = new Set<string>();
  return {
    seen(eventId) {
      if (ids.has(eventId)) return true;
      ids.add(eventId);
      if (ids.size > capacity) ids.delete(ids.values().next().value as string);
      return false;
    },
    get size() {
      return ids.size;
    },
  };
}
