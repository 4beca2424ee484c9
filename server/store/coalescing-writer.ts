// Serialises the writes of one file: at most one in flight; changes made during it share the next write.

/**
 * `writeOnce` must take its snapshot of the state synchronously, before its first await, so that a
 * change made before `schedule()` was called is always inside the write whose promise that call gets.
 */
export class CoalescingWriter {
  #writeOnce: () => Promise<void>;
  #inFlight: Promise<void> | null = null;
  #next: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | null = null;

  constructor(writeOnce: () => Promise<void>) {
    this.#writeOnce = writeOnce;
  }

  /** Resolves once a write started after this call has completed (or rejects with its error). */
  schedule(): Promise<void> {
    if (!this.#inFlight) return this.#start();
    if (!this.#next) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#next = { promise, resolve, reject };
    }
    return this.#next.promise;
  }

  /** Resolves when nothing is in flight or queued (errors of those writes are not rethrown here). */
  async idle(): Promise<void> {
    while (this.#inFlight) await this.#inFlight.catch(() => {});
  }

  #start(): Promise<void> {
    let run: Promise<void>;
    try {
      run = this.#writeOnce();
    } catch (error) {
      run = Promise.reject(error);
    }
    const settled = run.finally(() => {
      this.#inFlight = null;
      const next = this.#next;
      this.#next = null;
      if (next) this.#start().then(next.resolve, next.reject);
    });
    this.#inFlight = settled;
    // The caller handles the rejection; the chain above must not report it as unhandled.
    settled.catch(() => {});
    return settled;
  }
}
