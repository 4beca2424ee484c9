// Keeps <data-dir>/runtime.json true while an instance runs: each update writes the state as it is when its turn
// comes, one write after another (an older state never lands after a newer one), and remove() waits for them.

import { removeRuntimeFile, writeRuntimeFile, type RuntimeInfo } from './runtime-file.ts';

export interface RuntimeWriter {
  /** Writes the current state after the writes already queued; rejects if this write fails. */
  update(): Promise<void>;
  /** Waits for queued writes, then deletes the file; later updates do nothing. */
  remove(): Promise<void>;
}

export function createRuntimeWriter(dataDir: string, readState: () => RuntimeInfo): RuntimeWriter {
  let queue: Promise<void> = Promise.resolve();
  let removed = false;
  const enqueue = (step: () => Promise<void>) => (queue = queue.catch(() => {}).then(step));
  return {
    update: () => enqueue(async () => {
      if (!removed) await writeRuntimeFile(dataDir, readState());
    }),
    remove() {
      removed = true;
      return enqueue(() => removeRuntimeFile(dataDir));
    },
  };
}
