// Runs a collection's checkpoint a fixed delay after the first change that asks for one; runs never overlap.

export class CheckpointScheduler {
  readonly #run: () => Promise<void>;
  readonly #delayMs: number;
  #timer: NodeJS.Timeout | null = null;
  #last: Promise<void> = Promise.resolve();

  /** `run` must not reject (it reports its own failures). */
  constructor(run: () => Promise<void>, delayMs: number) {
    this.#run = run;
    this.#delayMs = delayMs;
  }

  /** Starts the delay unless one is already running: later changes join the same checkpoint. */
  request(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.runNow();
    }, this.#delayMs);
    // A store that is never closed must not keep the process alive: what it acknowledged is in its journal.
    this.#timer.unref();
  }

  /** Cancels the pending delay and runs a checkpoint now, after the one in flight if any. */
  runNow(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const run = this.#last.then(() => this.#run());
    this.#last = run.catch(() => {});
    return run;
  }
}
