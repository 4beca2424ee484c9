// Test helper: a full garbage collection now, in the test's own process (for code that must not depend on what
// the collector keeps: weakly held timers and signals).

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
  gc();
}
