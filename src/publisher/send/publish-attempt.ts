// One PUBLISH attempt of the send lanes, whose reply goes straight to a receiver: on a single Redis in classic
// mode, a Command of ours that ioredis settles by calling its resolve/reject, so no promise, no promise
// callbacks and no microtask hops per message, and one socket write per tick. Each attempt still carries its
// own message: ioredis may reject a new command at once, ahead of the replies to earlier ones, so replies
// are never paired by order.
import diagnosticsChannel from "node:diagnostics_channel";
import { Command, type Redis } from "ioredis";
import {
  isCluster,
  type PublishCommand,
  type PublishConnection,
  type PublishMode,
} from "./publish-transport.js";

/** Where an attempt's outcome goes, with the item and attempt number it was sent with. */
export interface ReplyReceiver<T> {
  onReply(item: T, attempt: number, subscribers: number): void;
  onError(item: T, attempt: number, error: unknown): void;
}

/** Sends one attempt; exactly one of the receiver's methods is called once, later, never synchronously. */
export type SendAttempt = <T>(
  address: string,
  body: string,
  item: T,
  attempt: number,
  receiver: ReplyReceiver<T>,
) => void;

// ioredis's `command` tracing channel: a subscriber (an APM tool) gets the command's promise to trace, so
// while one listens, attempts go the promise way.
const commandTracing = diagnosticsChannel.tracingChannel("ioredis:command");

/** The attempt sender for a connection and a mode; `command` is the promise-returning send it falls back to. */
export function sendAttemptFor(
  connection: PublishConnection,
  mode: PublishMode,
  command: PublishCommand,
): SendAttempt {
  const viaPromise: SendAttempt = (address, body, item, attempt, receiver) => {
    command(address, body).then(
      (subscribers) => receiver.onReply(item, attempt, subscribers),
      (error: unknown) => receiver.onError(item, attempt, error),
    );
  };
  // Only where PUBLISH is exactly one plain command on one connection.
  if (isCluster(connection) || mode !== "classic") return viaPromise;
  // With or without the client's auto-pipelining: a socket write per PUBLISH was the largest cost per
  // message, and batching one tick's PUBLISHes changes neither their order nor when they leave.
  const batch = writeBatcher(connection);
  return (address, body, item, attempt, receiver) => {
    if (commandTracing.hasSubscribers) {
      viaPromise(address, body, item, attempt, receiver);
      return;
    }
    batch();
    const publish = new PublishAttempt(address, body, item, attempt, receiver);
    connection.sendCommand(publish as unknown as Command);
    publish.sent();
  };
}

/**
 * One write per tick, as ioredis's auto-pipelining does for client.publish() (which a command sent directly
 * skips): the commands written in one tick leave together once the tick's code is done (the socket corked
 * meanwhile), without ioredis's Pipeline and its promises.
 */
function writeBatcher(connection: Redis): () => void {
  let corked: Redis["stream"] | undefined;
  const uncork = () => {
    const stream = corked;
    corked = undefined;
    stream?.uncork();
  };
  return () => {
    if (corked !== undefined || connection.stream === undefined) return;
    corked = connection.stream;
    corked.cork();
    process.nextTick(uncork);
  };
}

/** The members of ioredis's Command this class replaces or uses (private in its type declarations). */
interface CommandInternals {
  isResolved: boolean;
  isSettled: boolean;
  _clearTimers(): void;
}
const CommandBase = Command as unknown as new (name: string, args: string[]) => CommandInternals;

/**
 * A PUBLISH command that reports to a receiver. ioredis settles a command by calling its `resolve` (with
 * the reply) or `reject` (a reply error, a closed connection, a command timeout), which its constructor
 * normally binds to a new promise in `initPromise`; here they are methods and no promise is made.
 */
class PublishAttempt<T> extends CommandBase {
  readonly item: T;
  readonly attempt: number;
  readonly receiver: ReplyReceiver<T>;
  /** Until sendCommand returns: ioredis rejects some commands at once (a closed stream), and the sender's
   * caller must not be re-entered, so an outcome known this early is reported from a microtask. */
  #sending = true;

  constructor(address: string, body: string, item: T, attempt: number, receiver: ReplyReceiver<T>) {
    super("publish", [address, body]);
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
    if (this.#sending) queueMicrotask(() => this.receiver.onReply(this.item, this.attempt, reply as number));
    else this.receiver.onReply(this.item, this.attempt, reply as number);
  }

  reject(error: Error): void {
    if (this.isSettled) return;
    this._clearTimers();
    this.isSettled = true;
    if (this.#sending) queueMicrotask(() => this.receiver.onError(this.item, this.attempt, error));
    else this.receiver.onError(this.item, this.attempt, error);
  }
}
