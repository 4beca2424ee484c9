import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../server/capture/rate-limiter.ts';

describe('rate limiter', () => {
  it('allows a burst of twice the rate per sender, then the rate', () => {
    let now = 0;
    const limiter = createRateLimiter(5, () => now);
    const first = Array.from({ length: 12 }, () => limiter.take('a'));
    expect(first.filter(Boolean)).toHaveLength(10);
    expect(limiter.take('b')).toBe(true);
    now += 1000;
    expect(Array.from({ length: 6 }, () => limiter.take('a')).filter(Boolean)).toHaveLength(5);
  });

  it('caps all senders together, so invented senders cannot lift the limit', () => {
    const limiter = createRateLimiter(5, () => 0, 10_000, 10);
    const allowed = Array.from({ length: 500 }, (_, i) => limiter.take(`forged-${i}`)).filter(Boolean).length;
    expect(allowed).toBe(100);
  });

  it('is off at 0', () => {
    const limiter = createRateLimiter(0);
    expect(Array.from({ length: 1000 }, () => limiter.take('a')).every(Boolean)).toBe(true);
  });
});

describe('rate limiter with costs', () => {
  it('spends a cost per take, with a burst of at least minBurst', () => {
    let now = 0;
    const bytes = createRateLimiter(100, () => now, 10_000, 10, 1000);
    expect(bytes.take('a', 900)).toBe(true);
    expect(bytes.take('a', 200)).toBe(false);
    now += 1000;
    expect(bytes.take('a', 200)).toBe(true);
  });
});
