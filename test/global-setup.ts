// Vitest global setup: builds dist/ once, before any test file runs, when it is missing or stale; tests that serve the UI
// or pack the package then read a build no test rewrites while others run.

import { ensureBuilt } from './helpers/ensure-built.ts';

export default async function setup(): Promise<void> {
  await ensureBuilt();
}
