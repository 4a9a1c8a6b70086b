// What a subscriber reports: typed events for listeners, and the same diagnostics for an injected
// logger (the publisher's PublisherLogger shape). The library prints nothing itself; a listener that
// throws is logged and never breaks delivery or the connection.
import type { ChannelName } from "../../generated/index.js";
import type { ValidationReason } from "../contract/reasons.js";
import type { PublisherLogger } from "../publisher/publisher-events.js";
import { HandlerError, HeartbeatTimeoutError, SubscribeFailedError } from "./errors.js";

/** Any object with these methods (console, pino, winston...); every method is optional. */
export type SubscriberLogger = PublisherLogger;

/** A message that failed the contract: it reached no handler. */
export interface InvalidMessage {
  /** The contract channel of the subscription it came through. */
  readonly channel: ChannelName;
  /** The Redis channel name it arrived on (undecodable bytes shown as U+FFFD). */
  readonly address: string;
  readonly topic: string;
  readonly reasons: readonly ValidationReason[];
  /** The start of the raw message, at most `excerptBytes` bytes, decoded leniently. */
  readonly excerpt: string;
  /** The raw message's size in bytes. */
  readonly size: number;
  readonly receivedAt: Date;
}

/** An interval during which messages may have been missed, reported after every reconnect. */
export interface Gap {
  /** When the subscriber last knew it was receiving (last message, PING reply or subscription). */
  readonly from: Date;
  /** When these subscriptions were in place again. */
  readonly to: Date;
  /** The addresses and patterns that were resubscribed. */
  readonly topics: readonly string[];
}

export interface SubscriberEvents {
  invalid: InvalidMessage;
  gap: Gap;
  /** Connection trouble, refused subscriptions, heartbeat timeouts, failing handlers. */
  error: Error;
}

type Listener<E extends keyof SubscriberEvents> = (payload: SubscriberEvents[E]) => void;

export class SubscriberEventHub {
  private readonly listeners: { [E in keyof SubscriberEvents]: Set<Listener<E>> } = {
    invalid: new Set(),
    gap: new Set(),
    error: new Set(),
  };

  constructor(private readonly logger: SubscriberLogger) {}

  on<E extends keyof SubscriberEvents>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners[event] as Set<Listener<E>>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<E extends keyof SubscriberEvents>(event: E, payload: SubscriberEvents[E]): void {
    this.log(event, payload);
    for (const listener of this.listeners[event] as Set<Listener<E>>) {
      try {
        listener(payload);
      } catch (error) {
        this.logger.error?.(`subscriber: a "${event}" listener threw`, { error });
      }
    }
  }

  private log<E extends keyof SubscriberEvents>(event: E, payload: SubscriberEvents[E]): void {
    const { logger } = this;
    if (event === "gap") {
      const { from, to, topics } = payload as Gap;
      logger.warn?.("subscriber: messages may have been missed", { from, to, topics });
    } else if (event === "invalid") {
      const { address, reasons, size } = payload as InvalidMessage;
      logger.warn?.("subscriber: dropped an invalid message", { address, reasons, size });
    } else {
      const error = payload as Error;
      // A connection retry is routine (one per attempt while Redis is away); the rest needs a look.
      if (error instanceof HandlerError) logger.error?.(`subscriber: ${error.message}`, { error });
      else if (error instanceof HeartbeatTimeoutError || error instanceof SubscribeFailedError)
        logger.warn?.(`subscriber: ${error.message}`, { error });
      else logger.debug?.(`subscriber: ${error.message}`, { error });
    }
  }
}
