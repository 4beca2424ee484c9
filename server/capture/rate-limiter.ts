// Per-sender token buckets: a flood from one sender gets 429 while other senders keep being captured.

export interface RateLimiter {
  /** True when this sender may send one more request now. */
  take(sender: string): boolean;
}

/** `perSecond` requests a second with bursts up to twice that; 0 turns the limit off. Memory stays bounded. */
export function createRateLimiter(perSecond: number, now: () => number = Date.now, maxSenders = 10_000): RateLimiter {
  if (perSecond <= 0) return { take: () => true };
  const capacity = Math.max(1, perSecond * 2);
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(sender) {
      const time = now();
      let bucket = buckets.get(sender);
      if (!bucket) {
        if (buckets.size >= maxSenders) buckets.delete(buckets.keys().next().value!);
        bucket = { tokens: capacity, at: time };
        buckets.set(sender, bucket);
      }
      bucket.tokens = Math.min(capacity, bucket.tokens + ((time - bucket.at) / 1000) * perSecond);
      bucket.at = time;
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
