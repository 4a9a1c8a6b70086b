// stream(): a subscription whose sink is a bounded event queue behind an async iterator. Leaving the
// loop detaches it; a refused subscription ends it with the refusal.
import type { ChannelName } from "../../generated/index.js";
import type { SubscriptionRegistry } from "./connection/subscription-registry.js";
import { SubscribeFailedError } from "./errors.js";
import { createEventQueue } from "./receive/event-queue.js";
import type { StreamEvent, StreamOptions, SubscriberStream } from "./subscriber-types.js";
import type { Topic } from "./topics.js";

const DEFAULT_HIGH_WATER_MARK = 1_000;

export interface OpenStreams {
  /** Ends every open stream (close()). */
  endAll(): void;
  open<C extends ChannelName>(topics: readonly Topic<C>[], options: StreamOptions): SubscriberStream<C>;
}

export function createStreams(registry: SubscriptionRegistry, onDrop: () => void): OpenStreams {
  const enders = new Set<() => void>();
  return {
    endAll() {
      for (const end of [...enders]) end();
    },
    open<C extends ChannelName>(topics: readonly Topic<C>[], options: StreamOptions): SubscriberStream<C> {
      let detach: () => Promise<void> = async () => {};
      const queue = createEventQueue<StreamEvent<C>>({
        highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
        overflow: options.overflow,
        onDrop,
        onDetach: () => {
          enders.delete(end);
          void detach();
        },
      });
      const end = () => queue.end();
      const attached = registry.attach(topics as readonly Topic[], (event, context) => {
        queue.push({
          channel: context.channel,
          address: context.address,
          parameters: context.parameters,
          event,
        } as StreamEvent<C>);
      });
      detach = attached.detach;
      enders.add(end);
      const subscribed = registry.whenConfirmed(attached.subscriptions);
      // A refused subscription ends the stream with the refusal; a rejection on close ends it anyway.
      // The stream's owner may never await `subscribed`: its rejection must not go unhandled.
      subscribed.catch((error: unknown) => {
        if (error instanceof SubscribeFailedError) queue.fail(error);
      });
      return Object.assign(queue, { subscribed });
    },
  };
}
