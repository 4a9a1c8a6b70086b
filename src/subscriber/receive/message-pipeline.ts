// The receive path, one message at a time: size → decode → parse (parseRawMessage) → validate
// (the tolerant validator and the address's parameters) → dedup → dispatch to the subscription's
// sinks. The valid path allocates only the parsed event and its delivery context; reasons are
// built only for a message that fails.
import {
  type ChannelName,
  type ChannelParameters,
  channelNames,
  channels,
} from "../../../generated/index.js";
import { type ValidationReason, violation } from "../../contract/reasons.js";
import { checkPayload, parseRawMessage } from "../../contract/validate.js";
import type { Subscription } from "../connection/subscription-registry.js";
import { bodyKey } from "../dedup/body-key.js";
import { HandlerError } from "../errors.js";
import type { InvalidMessage } from "../subscriber-events.js";
import type { DeliveryContext, SubscriberStats } from "../subscriber-types.js";

export interface PipelineOptions {
  readonly maxMessageBytes: number;
  readonly excerptBytes: number;
  /** The counters the pipeline keeps: received, delivered, invalid, duplicates, handlerErrors. */
  readonly counters: SubscriberStats;
  /** Called with the Date.now() reading of each message: the connection was alive then. */
  readonly alive: (nowMs: number) => void;
  readonly onInvalid: (message: InvalidMessage) => void;
  readonly onError: (error: Error) => void;
}

type Parameters = ChannelParameters[ChannelName];

interface ChannelRules {
  readonly validate: (payload: unknown) => boolean;
  /** Each parameter and the top-level payload field it must equal. */
  readonly fields: readonly { readonly parameter: string; readonly field: string }[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** Parsed addresses remembered per pattern subscription's channel, so a pattern costs no regex per message. */
const ADDRESS_CACHE_LIMIT = 10_000;

/** What a handler receives beside the event; `receivedAt` becomes a Date only if someone reads it. */
class Delivery implements DeliveryContext {
  constructor(
    readonly channel: ChannelName,
    readonly address: string,
    readonly parameters: Parameters,
    readonly topic: string,
    readonly raw: Buffer,
    private readonly receivedAtMs: number,
  ) {}

  get receivedAt(): Date {
    return new Date(this.receivedAtMs);
  }
}

export class MessagePipeline {
  private readonly rules = new Map<ChannelName, ChannelRules>(
    channelNames.map((channel) => [channel, rulesOf(channel)]),
  );
  private readonly addressCaches = new Map<ChannelName, Map<string, Parameters>>();

  constructor(private readonly options: PipelineOptions) {}

  receive(subscription: Subscription, channelBytes: Buffer, message: Buffer): void {
    const { counters } = this.options;
    try {
      counters.received += 1;
      const nowMs = Date.now();
      this.options.alive(nowMs);
      const { topic } = subscription;
      let address: string;
      let parameters: Parameters | undefined;
      if (topic.kind === "address") {
        address = topic.name;
        parameters = topic.parameters;
      } else {
        const decoded = decodeAddress(channelBytes);
        address = decoded ?? channelBytes.toString("utf8");
        parameters = decoded === undefined ? undefined : this.parametersOf(topic.channel, decoded);
      }
      if (parameters === undefined) {
        const reason = violation("", "address.mismatch", {
          address: JSON.stringify(address),
          topic: topic.name,
          channel: topic.channel,
        });
        this.invalid(subscription, address, message, nowMs, [reason]);
        return;
      }
      const parsed = parseRawMessage(message, this.options.maxMessageBytes);
      if (!parsed.ok) {
        this.invalid(subscription, address, message, nowMs, parsed.reasons);
        return;
      }
      const event = parsed.value;
      const rules = this.rules.get(topic.channel) as ChannelRules;
      if (!rules.validate(event) || !parametersAgree(rules, event, parameters)) {
        const result = checkPayload(topic.channel, event, "tolerant", parameters);
        const reasons = result.ok ? [violation("", "value.invalid", { keyword: "schema" })] : result.reasons;
        this.invalid(subscription, address, message, nowMs, reasons);
        return;
      }
      if (subscription.dedup !== undefined && this.isDuplicate(subscription, event, message, nowMs)) {
        counters.duplicates += 1;
        return;
      }
      counters.delivered += 1;
      const context = new Delivery(topic.channel, address, parameters, topic.name, message, nowMs);
      for (const sink of subscription.sinks) {
        try {
          const result = sink(event, context);
          if (result !== undefined && typeof (result as Promise<void>).then === "function")
            (result as Promise<void>).then(undefined, (error: unknown) => this.handlerFailed(address, error));
        } catch (error) {
          this.handlerFailed(address, error);
        }
      }
    } catch (error) {
      // Never let anything escape into ioredis's parser callback: it would become an uncaught exception.
      this.options.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private isDuplicate(subscription: Subscription, event: unknown, message: Buffer, nowMs: number): boolean {
    const eventId = (event as { event_id?: unknown }).event_id;
    const key =
      typeof eventId === "string" ? eventId : subscription.dedupPolicy?.byBody ? bodyKey(message) : undefined;
    return key !== undefined && (subscription.dedup as NonNullable<Subscription["dedup"]>).seen(key, nowMs);
  }

  /** The parameters of an address that came through a pattern, or undefined if it is not the channel's. */
  private parametersOf(channel: ChannelName, address: string): Parameters | undefined {
    let cache = this.addressCaches.get(channel);
    if (cache === undefined) {
      cache = new Map();
      this.addressCaches.set(channel, cache);
    }
    let parameters = cache.get(address);
    if (parameters === undefined) {
      parameters = channels[channel].parseAddress(address);
      if (parameters === undefined) return undefined;
      if (cache.size >= ADDRESS_CACHE_LIMIT) cache.clear();
      cache.set(address, parameters);
    }
    return parameters;
  }

  private handlerFailed(address: string, error: unknown): void {
    this.options.counters.handlerErrors += 1;
    this.options.onError(new HandlerError(address, error));
  }

  private invalid(
    subscription: Subscription,
    address: string,
    message: Buffer,
    nowMs: number,
    reasons: readonly ValidationReason[],
  ): void {
    this.options.counters.invalid += 1;
    const { excerptBytes } = this.options;
    const truncated = message.byteLength > excerptBytes;
    this.options.onInvalid({
      channel: subscription.topic.channel,
      address,
      topic: subscription.topic.name,
      reasons,
      excerpt: message.subarray(0, excerptBytes).toString("utf8") + (truncated ? "…" : ""),
      size: message.byteLength,
      receivedAt: new Date(nowMs),
    });
  }
}

function rulesOf(channel: ChannelName): ChannelRules {
  const definition = channels[channel];
  return {
    validate: definition.validateTolerant as (payload: unknown) => boolean,
    fields: definition.parameters.map((p) => ({ parameter: p.name, field: p.payloadPointer.slice(1) })),
  };
}

/** Whether each parameter equals its payload field (pointers are one level deep: the generator checks). */
function parametersAgree(rules: ChannelRules, event: unknown, parameters: Parameters): boolean {
  for (const { parameter, field } of rules.fields) {
    if ((event as Record<string, unknown>)[field] !== (parameters as Record<string, string>)[parameter])
      return false;
  }
  return true;
}

/** A pattern match's channel name, or undefined when it is not UTF-8 (then shown leniently). */
function decodeAddress(channelBytes: Buffer): string | undefined {
  try {
    return utf8.decode(channelBytes);
  } catch {
    return undefined;
  }
}
