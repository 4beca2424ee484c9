// Test helper: poll a condition with a deadline instead of sleeping; resolves with the first truthy result.

export interface WaitForOptions { timeoutMs?: number; intervalMs?: number }

/** Calls `fn` every `intervalMs` until it returns (or resolves to) a truthy value; a throw counts as "not yet". */
export async function waitFor<T>(fn: () => T | Promise<T>, { timeoutMs = 5000, intervalMs = 20 }: WaitForOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`waitFor: condition not met within ${timeoutMs} ms${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
