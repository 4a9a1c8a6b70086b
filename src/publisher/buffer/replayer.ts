// Runs the replay passes of the fallback buffer (replay-pass.ts): now, when asked, or after a retry delay that
// doubles up to a maximum and starts short again once the connection is ready; one pass at a time.
import type { BufferedEntry } from "./fallback-buffer.js";
import { ReplayPass, type ReplayPassOptions } from "./replay-pass.js";

export interface ReplayerOptions extends Omit<ReplayPassOptions, "closing"> {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export class Replayer {
  readonly #o: ReplayerOptions;
  readonly #pass: ReplayPass;
  #run: Promise<void> | undefined;
  #requested = false;
  #timer: NodeJS.Timeout | undefined;
  #delayMs: number;
  #stopped = false;
  #finalPass = false;

  constructor(options: ReplayerOptions) {
    this.#o = options;
    this.#delayMs = options.initialDelayMs;
    this.#pass = new ReplayPass({ ...options, closing: () => this.#stopped && !this.#finalPass });
  }

  /** Replays now, or joins the replay that runs; resolves when it finished or stopped. */
  replay(): Promise<void> {
    if (this.#run !== undefined) {
      this.#requested = true;
      return this.#run;
    }
    this.#run = this.#runPasses();
    return this.#run;
  }

  /** The connection is ready again: the next wait starts short. */
  resetDelay(): void {
    this.#delayMs = this.#o.initialDelayMs;
  }

  /** Marks an entry dropped by the overflow policy; true when its PUBLISH is in flight (it decides). */
  claimEvicted(entry: BufferedEntry): boolean {
    return this.#pass.claimEvicted(entry);
  }

  /** No new pass starts; resolves when the running one ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#run;
  }

  /** One last pass after stop() (an in-memory buffer dies with the publisher). */
  async finalPass(): Promise<void> {
    this.#finalPass = true;
    await this.#pass.drain();
    this.#pass.clearDeadlines();
  }

  async #runPasses(): Promise<void> {
    try {
      do {
        this.#requested = false;
        if (await this.#pass.drain()) this.#delayMs = this.#o.initialDelayMs;
      } while (this.#requested && !this.#stopped && this.#o.buffer.size > 0);
    } finally {
      this.#run = undefined;
    }
    if (this.#o.buffer.size > 0) this.schedule();
  }

  /** Replays after the current delay (doubled each time up to the maximum), unless already scheduled. */
  schedule(): void {
    if (this.#stopped || this.#timer !== undefined || this.#o.buffer.size === 0) return;
    const delay = this.#delayMs;
    this.#delayMs = Math.min(this.#o.maxDelayMs, this.#delayMs * 2);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.replay();
    }, delay);
    // The timer alone does not keep a process alive; the connection does.
    this.#timer.unref();
  }
}
