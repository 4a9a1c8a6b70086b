// A subscriber's connections to a Redis Cluster: one SubscriberConnection (with its heartbeat) per node it
// listens on. Sharded: each address is SSUBSCRIBEd on the master that owns its slot; classic: everything
// on one node, since the cluster bus broadcasts. It numbers epochs as a single connection does: a new
// epoch means "send every subscription again" and names the topics that lost their node (their gap).
// ioredis's own sharded subscribers are not used: they resubscribe silently and swallow refusals.
import type { Cluster } from "ioredis";
import type { ClusterConnectionOptions, PubSubMode } from "../../connection/cluster-options.js";
import {
  type ConnectionCallbacks,
  type HeartbeatOptions,
  SubscriberConnection,
} from "../connection/connection.js";
import { ShardedPatternError, SubscriberClosedError } from "../errors.js";
import type { Topic } from "../topics.js";
import { ClusterTopology } from "./cluster-topology.js";

/** How often the slot map is read again while a node the subscriber needs is down. */
const REPAIR_INTERVAL_MS = 250;
/** MOVED replies followed for one SSUBSCRIBE before giving up (the registry then retries it). */
const MAX_REDIRECTS = 5;

/** A subscribe that waited for its node when a new epoch began: the registry resends it. */
class EpochChangedError extends Error {
  override readonly name = "EpochChangedError";
}

interface Waiter {
  readonly name: string;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** One node the subscriber listens on. */
class NodeLink {
  /** Topics Redis confirmed on this node and not lost since. */
  readonly placed = new Set<string>();
  /** Subscribes waiting for this node's connection to be ready. */
  readonly waiting = new Set<Waiter>();
  inFlight = 0;
  /** MOVED replies to this node's SSUBSCRIBEs: ioredis raises "moved" for those too. */
  movedReplies = 0;
  connection!: SubscriberConnection;

  constructor(readonly nodeKey: string) {}

  get idle(): boolean {
    return this.placed.size === 0 && this.waiting.size === 0 && this.inFlight === 0;
  }
}

export class ClusterSubscriberConnection {
  private readonly topology: ClusterTopology;
  private readonly links = new Map<string, NodeLink>();
  private epochNumber = 0;
  private closed = false;
  /** Classic mode: the node every subscription goes to, and the one lost last (not chosen again first). */
  private home: string | undefined;
  private lostHome: string | undefined;
  private repairTimer: NodeJS.Timeout | undefined;
  /** Times topics lost their node and were subscribed again. */
  reconnects = 0;

  constructor(
    source: Cluster | ClusterConnectionOptions,
    private readonly mode: PubSubMode,
    private readonly heartbeat: HeartbeatOptions | undefined,
    private readonly callbacks: ConnectionCallbacks,
  ) {
    this.topology = new ClusterTopology(source, {
      onRefresh: () => this.topologyRefreshed(),
      onError: callbacks.onError,
    });
  }

  get epoch(): number {
    return this.epochNumber;
  }

  /** Ready once the slot map is known: a node that is down holds up only its own topics. */
  get ready(): boolean {
    return this.epochNumber > 0 && !this.closed;
  }

  /** Each node's connection notes its own messages (see linkTo). */
  alive(_nowMs: number): void {}

  async subscribe(kind: Topic["kind"], name: string): Promise<void> {
    if (this.mode === "sharded" && kind === "pattern") throw new ShardedPatternError(name);
    const epoch = this.epochNumber;
    for (let redirects = 0; ; redirects++) {
      const link = this.linkTo(this.nodeFor(name));
      await this.whenReady(link, name);
      link.inFlight += 1;
      try {
        await link.connection.subscribe(kind, name);
      } catch (error) {
        if (!isMoved(error) || redirects >= MAX_REDIRECTS) throw error;
        link.movedReplies += 1;
        await this.topology.refresh();
        if (epoch !== this.epochNumber) throw new EpochChangedError();
        continue;
      } finally {
        link.inFlight -= 1;
      }
      if (epoch === this.epochNumber) link.placed.add(name);
      return;
    }
  }

  unsubscribe(kind: Topic["kind"], name: string): Promise<unknown> {
    for (const link of this.links.values()) {
      if (!link.placed.delete(name)) continue;
      if (link.connection.ready) return link.connection.unsubscribe(kind, name);
    }
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.repairTimer);
    const links = [...this.links.values()];
    this.links.clear();
    for (const link of links) this.rejectWaiting(link, new SubscriberClosedError());
    this.topology.close();
    await Promise.all(links.map((link) => link.connection.close()));
  }

  /** Sharded: the slot's master; classic: the home node, chosen among the masters. */
  private nodeFor(name: string): string {
    if (this.mode === "sharded") {
      const owner = this.topology.ownerOf(name);
      if (owner === undefined) throw new Error(`no node of the cluster serves the slot of ${name}`);
      return owner;
    }
    if (this.home === undefined) {
      const masters = this.topology.masters();
      this.home = masters.find((key) => key !== this.lostHome) ?? masters[0];
      if (this.home === undefined) throw new Error("the cluster has no master to subscribe on");
    }
    return this.home;
  }

  /** nodeFor() for an event handler, which must not throw: undefined while no node serves the slot. */
  private targetOf(name: string): string | undefined {
    try {
      return this.nodeFor(name);
    } catch {
      return undefined;
    }
  }

  private linkTo(nodeKey: string): NodeLink {
    const existing = this.links.get(nodeKey);
    if (existing) return existing;
    const link = new NodeLink(nodeKey);
    link.connection = new SubscriberConnection(
      this.topology.nodeOptions(nodeKey),
      this.heartbeat,
      {
        onReady: () => {
          for (const waiter of link.waiting) waiter.resolve();
          link.waiting.clear();
        },
        onLost: (lastAlive) => this.nodeLost(link, lastAlive),
        onMoved: () => this.nodeMoved(link),
        onError: this.callbacks.onError,
        onMessage: (channel, message) => {
          link.connection.alive(Date.now());
          this.callbacks.onMessage(channel, message);
        },
        onPatternMessage: (pattern, channel, message) => {
          link.connection.alive(Date.now());
          this.callbacks.onPatternMessage(pattern, channel, message);
        },
      },
      this.mode,
    );
    this.links.set(nodeKey, link);
    return link;
  }

  private whenReady(link: NodeLink, name: string): Promise<void> {
    if (link.connection.ready) return Promise.resolve();
    this.startRepairing();
    return new Promise((resolve, reject) => link.waiting.add({ name, resolve, reject }));
  }

  /** The node's connection dropped: its topics lost their subscription there. */
  private nodeLost(link: NodeLink, lastAlive: Date): void {
    if (this.closed) return;
    const lost = new Set(link.placed);
    link.placed.clear();
    if (this.home === link.nodeKey) {
      this.lostHome = link.nodeKey;
      this.home = undefined;
    }
    this.startRepairing();
    void this.topology.refresh();
    if (lost.size > 0 || (this.mode === "classic" && link.waiting.size > 0)) this.newEpoch(lastAlive, lost);
  }

  /**
   * The node dropped a sharded channel (a slot moved away, or it became a replica). ioredis does not say
   * which, so every topic there counts as lost. A MOVED reply to one of our own SSUBSCRIBEs raises the
   * same event just before that SSUBSCRIBE fails: wait one turn and leave that case to subscribe().
   */
  private nodeMoved(link: NodeLink): void {
    const movedRepliesBefore = link.movedReplies;
    const lastAlive = link.connection.lastAlive;
    setImmediate(() => {
      if (this.closed || link.movedReplies !== movedRepliesBefore || link.placed.size === 0) return;
      const lost = new Set(link.placed);
      link.placed.clear();
      void this.topology.refresh().then(() => {
        if (!this.closed) this.newEpoch(lastAlive, lost);
      });
    });
  }

  /** A new slot map: topics whose slot moved away from their node lost it; waiters for a node follow their slot. */
  private topologyRefreshed(): void {
    if (this.closed) return;
    if (this.epochNumber === 0) {
      if (this.topology.known) this.newEpoch(undefined, new Set());
      return;
    }
    const lost = new Set<string>();
    let gapFrom: Date | undefined;
    let waitersMoved = false;
    for (const link of this.links.values()) {
      if (this.mode === "sharded") {
        for (const name of link.placed) {
          if (this.topology.ownerOf(name) === link.nodeKey) continue;
          link.placed.delete(name);
          lost.add(name);
          const from = link.connection.lastAlive;
          if (gapFrom === undefined || from < gapFrom) gapFrom = from;
        }
      }
      for (const waiter of link.waiting) if (this.targetOf(waiter.name) !== link.nodeKey) waitersMoved = true;
    }
    if (lost.size > 0 || waitersMoved) this.newEpoch(gapFrom, lost);
    this.closeIdleLinks();
  }

  private newEpoch(gapFrom: Date | undefined, lost: ReadonlySet<string>): void {
    this.epochNumber += 1;
    for (const link of this.links.values()) this.rejectWaiting(link, new EpochChangedError());
    if (gapFrom !== undefined && lost.size > 0) this.reconnects += 1;
    this.callbacks.onReady(this.epochNumber, lost.size > 0 ? gapFrom : undefined, lost);
    this.closeIdleLinks();
  }

  /** Connections to nodes that are down and hold nothing: a failed-over master is not waited for. */
  private closeIdleLinks(): void {
    for (const [key, link] of this.links) {
      if (!link.idle || link.connection.ready) continue;
      this.links.delete(key);
      void link.connection.close();
    }
  }

  private rejectWaiting(link: NodeLink, error: Error): void {
    for (const waiter of link.waiting) waiter.reject(error);
    link.waiting.clear();
  }

  /** While a node is down, read the slot map every REPAIR_INTERVAL_MS until a failover shows up. */
  private startRepairing(): void {
    if (this.repairTimer !== undefined || this.closed) return;
    this.repairTimer = setInterval(() => {
      const waiting = [...this.links.values()].some((link) => !link.connection.ready && !link.idle);
      if (!waiting || this.closed) {
        clearInterval(this.repairTimer);
        this.repairTimer = undefined;
        return;
      }
      void this.topology.refresh();
    }, REPAIR_INTERVAL_MS);
  }
}

function isMoved(error: unknown): boolean {
  return (error as Error | undefined)?.message?.startsWith("MOVED ") === true;
}
