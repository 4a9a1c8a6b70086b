// The subscriber's own Redis connection and its heartbeat: knows whether it is ready, numbers each
// ready connection (its epoch), remembers when it last knew it was receiving, and hands the start
// of a gap to whoever resubscribes. It sends SUBSCRIBE and friends (SSUBSCRIBE when sharded) but
// decides nothing about topics. On a cluster, each node the subscriber listens to has one of these.
import { Redis, type RedisOptions } from "ioredis";
import { isClusterSource, type PubSubMode } from "../../connection/cluster-options.js";
import { explainConnectionError } from "../../connection/tls-failure.js";
import { type AwaitedAttempt, ReplyDeadlines } from "../../publisher/send/reply-deadlines.js";
import { HeartbeatTimeoutError, SubscriberConnectionError } from "../errors.js";
import type { SubscriberOptions } from "../subscriber-types.js";

const DEFAULT_URL = "redis://127.0.0.1:6379";
const QUIT_TIMEOUT_MS = 2_000;

// The subscriber owns resubscription (autoResubscribe off): ioredis's own turns a refused
// resubscribe into an unhandled rejection. Nothing is queued while disconnected, and nothing
// half-sent is replayed on a new connection: the subscriber decides what to send on `ready`.
const CONNECTION_OVERRIDES = {
  autoResubscribe: false,
  autoResendUnfulfilledCommands: false,
  enableOfflineQueue: false,
} satisfies Partial<RedisOptions>;

export function openRedis(connection: SubscriberOptions["connection"]): Redis {
  if (isClusterSource(connection))
    throw new TypeError("a cluster connection needs ClusterSubscriberConnection");
  if (connection instanceof Redis) return connection.duplicate(CONNECTION_OVERRIDES);
  if (typeof connection === "string" || connection === undefined) {
    return new Redis(connection ?? DEFAULT_URL, CONNECTION_OVERRIDES);
  }
  const { replyMapping: _ignored, ...rest } = connection as RedisOptions;
  return new Redis({ ...rest, ...CONNECTION_OVERRIDES });
}

export interface HeartbeatOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

export interface ConnectionCallbacks {
  /** A connection is ready; `gapFrom` is set when it replaces a lost one (the gap's start). */
  readonly onReady: (epoch: number, gapFrom: Date | undefined, lost?: ReadonlySet<string>) => void;
  readonly onError: (error: Error) => void;
  /** A message on a SUBSCRIBEd (or SSUBSCRIBEd) address. */
  readonly onMessage: (channel: Buffer, message: Buffer) => void;
  /** A message matched by a PSUBSCRIBEd pattern. */
  readonly onPatternMessage: (pattern: string, channel: Buffer, message: Buffer) => void;
  /** A ready connection was lost: its subscriptions are gone; `lastAlive` is when it last knew it was receiving. */
  readonly onLost?: (lastAlive: Date) => void;
  /**
   * ioredis's "moved": the node no longer serves a sharded channel's slot, either pushed by the server
   * (an unsolicited SUNSUBSCRIBE after a slot migration or a failover) or a MOVED reply to SSUBSCRIBE.
   */
  readonly onMoved?: () => void;
}

const EMPTY = Buffer.alloc(0);

/** The PING awaiting its reply: `attempt` is 1 while it is awaited, 0 once answered or abandoned. */
type PendingPing = AwaitedAttempt;

export class SubscriberConnection {
  private readonly redis: Redis;
  private epochNumber = 0;
  private isReady = false;
  private closed = false;
  /** When the subscriber last knew it was receiving, as a Date.now() reading. */
  private lastAliveMs = Date.now();
  /** Set when a ready connection was lost, until the next one is ready. */
  private lostAtMs: number | undefined;
  private readonly heartbeatTimer: NodeJS.Timeout | undefined;
  /**
   * The PING's deadline. Messages read count as replies: a PING reply waits behind the messages sent
   * before it, so while they are being read (or this process is too busy to read) the PING is not late.
   */
  private readonly pingDeadline: ReplyDeadlines<PendingPing> | undefined;
  private pendingPing: PendingPing | undefined;
  /** Connections re-established after a loss. */
  reconnects = 0;

  constructor(
    connection: SubscriberOptions["connection"],
    heartbeat: HeartbeatOptions | undefined,
    private readonly callbacks: ConnectionCallbacks,
    private readonly mode: PubSubMode = "classic",
  ) {
    this.redis = openRedis(connection);
    this.redis.on("error", (error: unknown) => {
      if (!this.closed) callbacks.onError(new SubscriberConnectionError(explainConnectionError(error)));
    });
    this.redis.on("ready", () => this.becameReady());
    this.redis.on("close", () => this.lost());
    this.redis.on("messageBuffer", (channel: Buffer, message: Buffer | undefined) => {
      this.pingDeadline?.noteReply();
      callbacks.onMessage(channel, message ?? EMPTY);
    });
    this.redis.on("smessageBuffer", (channel: Buffer, message: Buffer | undefined) => {
      this.pingDeadline?.noteReply();
      callbacks.onMessage(channel, message ?? EMPTY);
    });
    this.redis.on("moved", () => {
      if (!this.closed) callbacks.onMoved?.();
    });
    this.redis.on(
      "pmessageBuffer",
      (pattern: string | Buffer, channel: Buffer, message: Buffer | undefined) => {
        this.pingDeadline?.noteReply();
        callbacks.onPatternMessage(pattern.toString(), channel, message ?? EMPTY);
      },
    );
    if (heartbeat) {
      this.pingDeadline = new ReplyDeadlines<PendingPing>(heartbeat.timeoutMs, (ping) =>
        this.heartbeatTimedOut(ping, heartbeat.timeoutMs),
      );
      this.heartbeatTimer = setInterval(() => this.sendHeartbeat(), heartbeat.intervalMs);
    }
  }

  /** Numbers ready connections: a reply from an older epoch is about a connection that is gone. */
  get epoch(): number {
    return this.epochNumber;
  }

  get ready(): boolean {
    return this.isReady && !this.closed;
  }

  /** A message or reply arrived: the connection was alive at `nowMs`. */
  alive(nowMs: number): void {
    this.lastAliveMs = nowMs;
    this.pingDeadline?.noteReply();
  }

  /** When the connection last knew it was receiving. */
  get lastAlive(): Date {
    return new Date(this.lastAliveMs);
  }

  subscribe(kind: "address" | "pattern", name: string): Promise<unknown> {
    if (kind === "pattern") return this.redis.psubscribe(name);
    return this.mode === "sharded" ? this.redis.ssubscribe(name) : this.redis.subscribe(name);
  }

  unsubscribe(kind: "address" | "pattern", name: string): Promise<unknown> {
    if (kind === "pattern") return this.redis.punsubscribe(name);
    return this.mode === "sharded" ? this.redis.sunsubscribe(name) : this.redis.unsubscribe(name);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    this.forgetPing();
    if (this.redis.status === "ready") {
      await Promise.race([
        this.redis.quit().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS).unref()),
      ]);
    }
    this.redis.disconnect();
  }

  private becameReady(): void {
    if (this.closed) return;
    this.epochNumber += 1;
    this.isReady = true;
    this.lastAliveMs = Date.now();
    let gapFrom: Date | undefined;
    if (this.lostAtMs !== undefined) {
      this.reconnects += 1;
      gapFrom = new Date(this.lostAtMs);
      this.lostAtMs = undefined;
    }
    this.callbacks.onReady(this.epochNumber, gapFrom);
  }

  private lost(): void {
    if (this.closed || !this.isReady) return;
    this.isReady = false;
    this.forgetPing();
    this.lostAtMs = this.lastAliveMs;
    this.callbacks.onLost?.(new Date(this.lastAliveMs));
  }

  private sendHeartbeat(): void {
    if (!this.ready || this.pendingPing !== undefined || this.pingDeadline === undefined) return;
    const ping: PendingPing = { attempt: 1, timeoutAt: 0 };
    this.pendingPing = ping;
    const pingEpoch = this.epochNumber;
    this.pingDeadline.track(ping, Date.now());
    this.redis
      .ping()
      .then(
        () => {
          if (pingEpoch === this.epochNumber) this.lastAliveMs = Date.now();
        },
        () => {
          // A rejected PING means the connection closed; lost() deals with it.
        },
      )
      .finally(() => {
        ping.attempt = 0;
        if (this.pendingPing === ping) this.pendingPing = undefined;
      });
  }

  /** Nothing came for a full timeout while this process was reading: the connection is dead. */
  private heartbeatTimedOut(ping: PendingPing, timeoutMs: number): void {
    if (this.closed || ping !== this.pendingPing) return;
    this.callbacks.onError(new HeartbeatTimeoutError(timeoutMs));
    // Reconnects (retryStrategy applies); the pending PING is rejected, not resent.
    this.redis.disconnect(true);
  }

  /** The connection is gone: its PING's reply decides nothing any more. */
  private forgetPing(): void {
    if (this.pendingPing !== undefined) this.pendingPing.attempt = 0;
    this.pendingPing = undefined;
    this.pingDeadline?.clear();
  }
}
