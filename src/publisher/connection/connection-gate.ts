// Whether PUBLISH may go now: the connection is ready, not ready yet (wait, within a budget), or failed its
// handshake for good (WRONGPASS, NOPERM on HELLO, a TLS certificate): then nothing is worth retrying.
import { asTlsConnectionError } from "../../connection/tls-failure.js";
import { ConnectionNotReadyError } from "../errors.js";
import type { PublisherLogger } from "../publisher-events.js";
import type { PublishConnection } from "../send/publish-transport.js";

export class ConnectionGate {
  readonly #client: PublishConnection;
  readonly #logger: PublisherLogger;
  readonly #onReady: () => void;
  /** Set when the connection fails with a reply error or a TLS certificate failure while connecting. */
  #fatalError: unknown;
  // One listener on the client wakes every waiter: a listener each would trip Node's leak warning.
  readonly #waiters = new Set<() => void>();

  /** `onReady` runs each time the connection becomes ready, after the waiters were woken. */
  constructor(client: PublishConnection, logger: PublisherLogger, onReady: () => void) {
    this.#client = client;
    this.#logger = logger;
    this.#onReady = onReady;
    client.on("ready", this.#handleReady);
    client.on("error", this.#handleError);
  }

  get ready(): boolean {
    return this.#client.status === "ready";
  }

  /** The client's status (a Redis's or a Cluster's), for "not ready" errors. */
  get status(): string {
    return this.#client.status;
  }

  /** The handshake's failure that will not go away by itself, if any. */
  get fatalError(): unknown {
    return this.#fatalError;
  }

  /** Why a PUBLISH cannot go now: the fatal handshake error, or "not ready" with the client's status. */
  notReadyError(): unknown {
    return this.#fatalError ?? new ConnectionNotReadyError(this.#client.status);
  }

  /** Calls `wake` once when the connection is ready or fails for good; cancel with stopWaiting. */
  waitForReady(wake: () => void): void {
    this.#waiters.add(wake);
  }

  stopWaiting(wake: () => void): void {
    this.#waiters.delete(wake);
  }

  dispose(): void {
    this.#client.off("ready", this.#handleReady);
    this.#client.off("error", this.#handleError);
    this.#waiters.clear();
  }

  #wakeAll(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  readonly #handleReady = (): void => {
    this.#fatalError = undefined;
    this.#wakeAll();
    this.#onReady();
  };

  readonly #handleError = (error: unknown): void => {
    // Only while (re)connecting: then a reply error is the handshake's (AUTH, HELLO) and will not go away.
    const cause = lastNodeErrorOf(error) ?? error;
    const permanent =
      cause instanceof Error && cause.name === "ReplyError" ? cause : asTlsConnectionError(cause);
    if (this.#client.status !== "ready" && permanent !== undefined) {
      this.#fatalError = permanent;
      this.#wakeAll();
    }
    this.#logger.debug?.("publisher: Redis connection error", { error });
  };
}

/** A Cluster that reached no node reports why the last one failed (WRONGPASS, a certificate...) inside. */
function lastNodeErrorOf(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== "ClusterAllFailedError") return undefined;
  return (error as Error & { lastNodeError?: unknown }).lastNodeError;
}
