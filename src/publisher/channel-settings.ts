// Per-channel publish settings (buffer on failure, minSubscribers): the options resolved against the defaults.
import type { ChannelName } from "../../generated/index.js";
import { resolveAddress } from "../contract/addresses.js";
import type { ChannelPublishOptions } from "./publisher-types.js";

export interface ChannelSettings {
  readonly buffer: boolean;
  readonly minSubscribers: number;
}

const DEFAULT_BUFFERED_CHANNELS: ReadonlySet<ChannelName> = new Set(["signals.generated"]);
const MAX_REMEMBERED_ADDRESSES = 10_000;

/** The settings of one channel: those configured, the rest defaulted (only signals.generated buffers by default). */
export function resolveChannelSettings(
  channel: ChannelName | undefined,
  configured: ChannelPublishOptions | undefined,
): ChannelSettings {
  if (channel === undefined) return { buffer: false, minSubscribers: 0 };
  return {
    buffer: configured?.buffer ?? DEFAULT_BUFFERED_CHANNELS.has(channel),
    minSubscribers: configured?.minSubscribers ?? 0,
  };
}

/** Resolves and remembers settings per channel, and per concrete address (replay knows only the address). */
export class ChannelSettingsTable {
  readonly #configured: { readonly [C in ChannelName]?: ChannelPublishOptions } | undefined;
  readonly #byChannel = new Map<ChannelName, ChannelSettings>();
  readonly #byAddress = new Map<string, ChannelSettings>();

  constructor(configured: { readonly [C in ChannelName]?: ChannelPublishOptions } | undefined) {
    this.#configured = configured;
  }

  ofChannel(channel: ChannelName | undefined): ChannelSettings {
    if (channel === undefined) return resolveChannelSettings(undefined, undefined);
    let cached = this.#byChannel.get(channel);
    if (cached === undefined) {
      cached = resolveChannelSettings(channel, this.#configured?.[channel]);
      this.#byChannel.set(channel, cached);
    }
    return cached;
  }

  /** The memory is bounded: past 10,000 addresses the remembered ones are forgotten. */
  ofAddress(address: string): ChannelSettings {
    let settings = this.#byAddress.get(address);
    if (settings === undefined) {
      settings = this.ofChannel(resolveAddress(address)?.channel);
      if (this.#byAddress.size >= MAX_REMEMBERED_ADDRESSES) this.#byAddress.clear();
      this.#byAddress.set(address, settings);
    }
    return settings;
  }
}
