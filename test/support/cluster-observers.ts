// Raw ioredis subscribers on single nodes of a test cluster, to see what reached which node: a classic
// SUBSCRIBE on one node, and an SSUBSCRIBE that follows its channel's slot to whichever master owns it.
import type { Redis } from "ioredis";
import type { RedisClusterHandle } from "../../scripts/support/redis-cluster.js";

export interface ObservedMessage {
  readonly channel: string;
  readonly body: string;
  readonly seq: number;
  readonly eventId: string;
}

function observed(channel: string, body: string): ObservedMessage {
  const parsed = JSON.parse(body) as { num_signals?: number; event_id: string };
  return { channel, body, seq: parsed.num_signals ?? -1, eventId: parsed.event_id };
}

/** A classic SUBSCRIBE on one node: on a cluster it hears every node's PUBLISH, through the cluster bus. */
export async function classicObserver(
  cluster: RedisClusterHandle,
  port: number,
  channels: readonly string[],
): Promise<ObservedMessage[]> {
  const received: ObservedMessage[] = [];
  const client = cluster.connectTo(port);
  client.on("message", (channel: string, body: string) => received.push(observed(channel, body)));
  await client.subscribe(...channels);
  return received;
}

/** SSUBSCRIBE on the master owning the channel's slot; moveToOwner() follows a failover or a migration. */
export class ShardedObserver {
  readonly received: ObservedMessage[] = [];
  #client: Redis | undefined;

  constructor(
    private readonly cluster: RedisClusterHandle,
    readonly channel: string,
  ) {}

  /** The port it is subscribed on. */
  port: number | undefined;

  async moveToOwner(): Promise<void> {
    this.#client?.disconnect();
    const owner = await this.cluster.masterFor(this.channel);
    const client = this.cluster.connectTo(owner.port);
    client.on("smessage", (channel: string, body: string) => this.received.push(observed(channel, body)));
    await client.ssubscribe(this.channel);
    this.#client = client;
    this.port = owner.port;
  }

  close(): void {
    this.#client?.disconnect();
  }
}

/** The sequence numbers of the first copy of each event, in arrival order (delivery is at least once). */
export function firstCopies(messages: readonly ObservedMessage[]): number[] {
  const seen = new Set<string>();
  const seqs: number[] = [];
  for (const message of messages) {
    if (seen.has(message.eventId)) continue;
    seen.add(message.eventId);
    seqs.push(message.seq);
  }
  return seqs;
}
