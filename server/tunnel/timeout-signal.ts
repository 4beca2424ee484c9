// AbortSignal.timeout(ms) that can be given to AbortSignal.any: Node 20 holds the sources of a combined signal only
// weakly, so an otherwise unreferenced timeout signal may be garbage-collected and never fire (a deadline that never
// comes). A listener of its own keeps it alive until it has fired.

export function createTimeoutSignal(ms: number): AbortSignal {
  const signal = AbortSignal.timeout(ms);
  signal.addEventListener('abort', () => {}, { once: true });
  return signal;
}
