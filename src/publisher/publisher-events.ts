// What a publisher reports to operators: typed events and an injectable logger. The library prints nothing
// itself; a listener that throws is logged and never breaks publishing.

/** Why a message went into the fallback buffer instead of to Redis. */
export type BufferReason =
  /** Retries ran out (or the error was transient and the publisher is closing). */
  | "publish-failed"
  /** Older messages for the same channel are still buffered: sending this one now would overtake them. */
  | "behind-buffered";

export interface PublisherEvents {
  /** PUBLISH succeeded for a new message (not a replay). */
  published: { channel: string; eventId: string; subscribers: number; attempts: number };
  /**
   * A transient failure; the message is sent again after `delayMs` (unless it ends in the buffer first).
   * Also reported for each message sent after the failed one to the same channel and still awaiting its
   * reply: its outcome is as unknown as the failed one's, and it goes again after it, never before.
   */
  retried: { channel: string; eventId: string; attempt: number; delayMs: number; error: unknown };
  buffered: { channel: string; eventId: string; reason: BufferReason; bufferSize: number; error?: unknown };
  /** The overflow policy evicted a buffered message: it will never be sent. */
  dropped: { channel: string; eventId: string | undefined; droppedTotal: number };
  /** A buffered message was published. */
  replayed: { channel: string; eventId: string | undefined; subscribers: number; bufferSize: number };
  /** Replay met a failure and stopped; the message that failed and everything after it stay buffered. */
  replayStopped: { channel: string; eventId: string | undefined; error: unknown; bufferSize: number };
  /** The number of buffered messages changed. */
  bufferSize: { size: number };
  /** The durable journal cannot be used (unwritable path, failed write): the buffer continues in memory. */
  journalUnavailable: { path: string; error: unknown };
  /**
   * On start-up the journal had torn or corrupt records: those byte `spans` (offsets in the journal) were cut
   * out and kept, one after another, at `asidePath`; every valid record before and after them is replayed.
   * `bytes` is their total, `reason` the first span's, `lostSeqs` the buffer seqs of messages known lost.
   */
  journalRepaired: {
    path: string;
    asidePath: string | undefined;
    reason: string;
    bytes: number;
    spans: readonly { readonly offset: number; readonly bytes: number; readonly reason: string }[];
    lostSeqs: readonly number[];
  };
}

export type PublisherEventName = keyof PublisherEvents;
export type PublisherListener<E extends PublisherEventName> = (event: PublisherEvents[E]) => void;

/** Any object with these methods (console, pino, winston...); every method is optional. */
export interface PublisherLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

export interface EventHub {
  on<E extends PublisherEventName>(event: E, listener: PublisherListener<E>): () => void;
  off<E extends PublisherEventName>(event: E, listener: PublisherListener<E>): void;
  emit<E extends PublisherEventName>(event: E, payload: PublisherEvents[E]): void;
  /** Whether anyone listens: lets a hot path skip building an event nobody receives. */
  listens(event: PublisherEventName): boolean;
}

export function createEventHub(logger: PublisherLogger): EventHub {
  const listeners = new Map<PublisherEventName, Set<(event: never) => void>>();
  const hub: EventHub = {
    on(event, listener) {
      let set = listeners.get(event);
      if (set === undefined) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener);
      return () => hub.off(event, listener);
    },
    off(event, listener) {
      listeners.get(event)?.delete(listener);
    },
    emit(event, payload) {
      const set = listeners.get(event);
      if (set === undefined) return;
      for (const listener of set) {
        try {
          (listener as PublisherListener<typeof event>)(payload);
        } catch (error) {
          logger.error?.(`publisher: a "${event}" listener threw`, { error });
        }
      }
    },
    listens(event) {
      return (listeners.get(event)?.size ?? 0) > 0;
    },
  };
  return hub;
}
