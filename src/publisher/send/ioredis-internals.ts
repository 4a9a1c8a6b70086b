// Everything the publisher takes from ioredis beyond its public API lives here, and nowhere else: a PUBLISH
// Command that hands its reply to a receiver instead of a promise (it replaces the private `initPromise` and
// calls the private `_clearTimers`), a Command that a Cluster routes by a slot it is given, and a Cluster's
// connection to the master of a slot (its private `connectionPool`).
// No ioredis release promises to keep these, so `probeCommandInternals` and `probeClusterInternals` check,
// once at start-up, that the installed ioredis still has the shape they need; where it has not, or the client
// comes from another copy of ioredis, the publisher sends through the public, promise-returning API.
import { createRequire } from "node:module";
import { Cluster, Command, Redis } from "ioredis";

/** Where an attempt's outcome goes, with the item and attempt number it was sent with. */
export interface ReplyReceiver<T> {
  onReply(item: T, attempt: number, subscribers: number): void;
  onError(item: T, attempt: number, error: unknown): void;
}

/** Whether the fast path may be used, and if not, why: said in words a log reader understands. */
export type InternalsProbe = { readonly usable: true } | { readonly usable: false; readonly reason: string };

/** The installed ioredis's version, for the reasons given when its internals do not fit. */
export const ioredisVersion: string = (
  createRequire(import.meta.url)("ioredis/package.json") as { version: string }
).version;

/** The members of ioredis's Command that PublishAttempt replaces or uses (private in its type declarations). */
interface CommandInternals {
  isResolved: boolean;
  isSettled: boolean;
  promise: unknown;
  _clearTimers(): void;
  toWritable(socket: object): string | Buffer;
}
type CommandConstructor = new (name: string, args: string[]) => CommandInternals;

/** A PUBLISH attempt whose outcome goes straight to a receiver, built on a given Command class. */
export interface PublishAttempt {
  /** Until this is called, an outcome is reported from a microtask (the sender's caller is not re-entered). */
  sent(): void;
}
/** PUBLISH (classic) or SPUBLISH (sharded): both take a channel and a message and reply with a count. */
export type PublishCommandName = "publish" | "spublish";

type PublishAttemptConstructor = new <T>(
  name: PublishCommandName,
  address: string,
  body: string,
  item: T,
  attempt: number,
  receiver: ReplyReceiver<T>,
) => PublishAttempt & CommandInternals;

/**
 * PublishAttempt over `Base`. ioredis settles a command by calling its `resolve` (with the reply) or `reject`
 * (a reply error, a closed connection, a command timeout), which its constructor normally binds to a new
 * promise in `initPromise`; here they are methods and no promise is made.
 */
function publishAttemptOn(Base: CommandConstructor): PublishAttemptConstructor {
  return class PublishAttemptCommand<T> extends Base {
    readonly item: T;
    readonly attempt: number;
    readonly receiver: ReplyReceiver<T>;
    #sending = true;

    constructor(
      name: PublishCommandName,
      address: string,
      body: string,
      item: T,
      attempt: number,
      receiver: ReplyReceiver<T>,
    ) {
      super(name, [address, body]);
      this.item = item;
      this.attempt = attempt;
      this.receiver = receiver;
    }

    initPromise(): void {
      this.isResolved = false;
      this.isSettled = false;
    }

    sent(): void {
      this.#sending = false;
    }

    // A reply after a timeout (ioredis's commandTimeout) or a second settlement: the first one decided.
    resolve(reply: unknown): void {
      if (this.isSettled) return;
      this._clearTimers();
      this.isResolved = true;
      this.isSettled = true;
      if (this.#sending)
        queueMicrotask(() => this.receiver.onReply(this.item, this.attempt, reply as number));
      else this.receiver.onReply(this.item, this.attempt, reply as number);
    }

    reject(error: Error): void {
      if (this.isSettled) return;
      this._clearTimers();
      this.isSettled = true;
      if (this.#sending) queueMicrotask(() => this.receiver.onError(this.item, this.attempt, error));
      else this.receiver.onError(this.item, this.attempt, error);
    }
  };
}

/**
 * Checks that `CommandClass` has the shape PublishAttempt needs: private methods it calls or replaces, a
 * constructor that calls `initPromise` (so no promise is made) and leaves `resolve`/`reject` to the prototype
 * (an own field would hide the methods, and no reply would ever be reported), and RESP bytes as expected.
 */
export function probeCommandInternals(CommandClass: unknown): InternalsProbe {
  const prototype = (CommandClass as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  for (const member of ["initPromise", "_clearTimers", "toWritable"]) {
    if (typeof prototype?.[member] !== "function") return unusable(`its Command has no ${member}()`);
  }
  const received: number[] = [];
  const probe = new (publishAttemptOn(CommandClass as CommandConstructor))("publish", "probe", "x", 0, 0, {
    onReply: (_item, _attempt, subscribers) => received.push(subscribers),
    onError: () => {},
  });
  if (probe.promise !== undefined) return unusable("its Command makes a promise outside initPromise()");
  for (const member of ["resolve", "reject"]) {
    if (Object.hasOwn(probe, member)) return unusable(`its Command sets ${member} on each instance`);
  }
  if (probe.isSettled !== false) return unusable("its Command does not start unsettled");
  const expected = "*3\r\n$7\r\npublish\r\n$5\r\nprobe\r\n$1\r\nx\r\n";
  if (String(probe.toWritable({})) !== expected) return unusable("its Command writes PUBLISH differently");
  probe.sent();
  (probe as unknown as { resolve(reply: unknown): void }).resolve(7);
  if (received.join() !== "7") return unusable("its Command does not settle through resolve()");
  return { usable: true };
}

function unusable(what: string): InternalsProbe {
  return { usable: false, reason: `ioredis ${ioredisVersion}: ${what}` };
}

const PublishAttemptCommand = publishAttemptOn(Command as unknown as CommandConstructor);
let commandProbe: InternalsProbe | undefined;
/** The installed Command, probed once per process. */
const installedCommandFits = (): InternalsProbe => (commandProbe ??= probeCommandInternals(Command));
const FOREIGN_CLIENT: InternalsProbe = {
  usable: false,
  reason: "the client comes from another copy of ioredis than this package's",
};

/** Whether the fast path can send on `connection`: the installed Command fits, and the client is of this ioredis. */
export function fastPathFits(connection: object): InternalsProbe {
  const command = installedCommandFits();
  if (!command.usable) return command;
  return connection instanceof Redis ? command : FOREIGN_CLIENT;
}

/** Sends one attempt as a PublishAttempt: its outcome reaches the receiver, never synchronously. */
export function sendPublishAttempt<T>(
  connection: Redis,
  name: PublishCommandName,
  address: string,
  body: string,
  item: T,
  attempt: number,
  receiver: ReplyReceiver<T>,
): void {
  const publish = new PublishAttemptCommand(name, address, body, item, attempt, receiver);
  connection.sendCommand(publish as unknown as Command);
  publish.sent();
}

/** The members of ioredis's Cluster the cluster fast path reads (`slots` is public, `connectionPool` is not). */
interface ClusterInternals {
  slots: (readonly string[] | undefined)[];
  connectionPool: { getInstanceByKey(key: string): unknown };
}

/**
 * Whether the fast path can send on `cluster`'s node connections: the Command fits, the cluster comes from
 * this ioredis, and it keeps its slot map in `slots` and its connections by node key in `connectionPool`.
 */
export function probeClusterInternals(cluster: object): InternalsProbe {
  const command = installedCommandFits();
  if (!command.usable) return command;
  if (!(cluster instanceof Cluster)) return FOREIGN_CLIENT;
  const internals = cluster as unknown as Partial<ClusterInternals>;
  if (!Array.isArray(internals.slots)) return unusable("its Cluster keeps no slot map in slots");
  if (typeof internals.connectionPool?.getInstanceByKey !== "function") {
    return unusable("its Cluster has no connectionPool.getInstanceByKey()");
  }
  return { usable: true };
}

/**
 * Points `slot` at the node a MOVED reply names ("MOVED 866 127.0.0.1:30001"), as ioredis does for what it
 * sends, until the refresh that follows replaces the whole map: without it, retries would go to the old owner
 * until CLUSTER SLOTS has answered. A new array: ioredis shares one among every slot of a range.
 */
export function pointSlotAtMovedTarget(cluster: Cluster, movedMessage: string): void {
  const [word, slot, key] = movedMessage.split(" ");
  if (word !== "MOVED" || key === undefined) return;
  const slots = (cluster as unknown as ClusterInternals).slots;
  const index = Number(slot);
  if (Number.isInteger(index) && index >= 0 && index < 16_384) slots[index] = [key];
}

/**
 * The connection to the master that `cluster`'s slot map names for `slot`, when it is ready to write at once;
 * otherwise undefined (no map yet, a node still connecting or gone): the caller then sends through the
 * Cluster, which queues or fails the command as its options say. Only call it after probeClusterInternals.
 */
export function readyMasterOf(cluster: Cluster, slot: number): Redis | undefined {
  const internals = cluster as unknown as ClusterInternals;
  const key = internals.slots[slot]?.[0];
  if (key === undefined) return undefined;
  const node = internals.connectionPool.getInstanceByKey(key);
  return node instanceof Redis && node.status === "ready" ? node : undefined;
}

/** A command a Cluster routes by a slot it is given instead of by its (absent) key: ioredis asks getSlot(). */
export class SlotPinnedCommand extends Command {
  readonly #slot: number;

  constructor(name: string, args: string[], slot: number) {
    super(name, args);
    this.#slot = slot;
  }

  override getSlot(): number {
    return this.#slot;
  }
}
