// A stack of clean-up steps for a start-up that acquires things one by one: each thing registers how to undo
// it as soon as it exists, and one dispose() undoes them newest first, whether start-up failed half-way or
// the whole thing is shutting down.

export interface DisposalStack {
  /** Registers a clean-up step, run before every step registered earlier. After dispose() began, runs it at once. */
  defer(step: () => unknown): void;
  /**
   * Runs every step once, newest first, each after the previous one settled; a step that fails does not stop
   * the others. Idempotent: later calls return the same promise. Rejects with the first failure, if any.
   */
  dispose(): Promise<void>;
}

export function createDisposalStack(): DisposalStack {
  const steps: Array<() => unknown> = [];
  const failures: unknown[] = [];
  let disposing: Promise<void> | null = null;
  let late: Promise<void> = Promise.resolve();

  const runStep = async (step: () => unknown) => {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  };

  return {
    defer(step) {
      if (disposing) late = late.then(() => runStep(step));
      else steps.push(step);
    },
    dispose() {
      disposing ??= (async () => {
        while (steps.length > 0) await runStep(steps.pop()!);
        await late;
        if (failures.length > 0) throw failures[0];
      })();
      return disposing;
    },
  };
}
