// Per-sender token buckets: a flood from one sender gets 429 while other senders keep being captured.

export interface RateLimiter {
  /** True when this sender may spend `cost` (one request, or a number of bytes) now. */
  take(sender: string, cost?: number): boolean;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * `perSecond` requests a second per sender, with bursts up to twice that; 0 turns the limit off. A sender is
 * only as trustworthy as the header naming it (a tunnel server that does not append X-Forwarded-For lets a
 * client invent senders), so all senders together also share a backstop of `globalFactor` times the limit.
 * Memory stays bounded.
 */
export function createRateLimiter(perSecond: number, now: () => number = Date.now, maxSenders = 10_000, globalFactor = 10, minBurst = 1): RateLimiter {
  if (perSecond <= 0) return { take: () => true };
  const burst = (rate: number) => Math.max(minBurst, rate * 2);
  const refill = (bucket: Bucket, rate: number, time: number) => {
    bucket.tokens = Math.min(burst(rate), bucket.tokens + ((time - bucket.at) / 1000) * rate);
    bucket.at = time;
  };
  const global: Bucket = { tokens: burst(perSecond * globalFactor), at: now() };
  const buckets = new Map<string, Bucket>();
  return {
    take(sender, cost = 1) {
      const time = now();
      let bucket = buckets.get(sender);
      if (!bucket) {
        if (buckets.size >= maxSenders) buckets.delete(buckets.keys().next().value!);
        bucket = { tokens: burst(perSecond), at: time };
        buckets.set(sender, bucket);
      }
      refill(bucket, perSecond, time);
      refill(global, perSecond * globalFactor, time);
      if (bucket.tokens < cost || global.tokens < cost) return false;
      bucket.tokens -= cost;
      global.tokens -= cost;
      return true;
    },
  };
}
