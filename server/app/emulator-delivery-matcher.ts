// Recognises the emulator's own callback deliveries when they arrive at our ingress, by their exact bytes,
// so the inspector shows one callback (captured, and delivered by the emulator) instead of two unrelated ones.

import { createHash } from 'node:crypto';

export interface DeliveryMatcher {
  remember(deliveryId: string, body: Buffer): void;
  match(body: Buffer): string | undefined;
}

export function createDeliveryMatcher(ttlMs = 120_000, now: () => number = Date.now): DeliveryMatcher {
  // Several deliveries may carry the same bytes (the duplicate fault): keep them in order.
  const pending = new Map<string, Array<{ id: string; expiresAt: number }>>();
  const hash = (body: Buffer) => createHash('sha256').update(body).digest('base64');
  const prune = () => {
    const time = now();
    for (const [key, entries] of pending) {
      const live = entries.filter((entry) => entry.expiresAt >= time);
      if (live.length) pending.set(key, live);
      else pending.delete(key);
    }
  };
  return {
    remember(deliveryId, body) {
      prune();
      const key = hash(body);
      pending.set(key, [...(pending.get(key) ?? []), { id: deliveryId, expiresAt: now() + ttlMs }]);
    },
    match(body) {
      if (pending.size === 0) return undefined;
      const key = hash(body);
      const entries = pending.get(key)?.filter((entry) => entry.expiresAt >= now());
      const first = entries?.shift();
      if (entries?.length) pending.set(key, entries);
      else pending.delete(key);
      return first?.id;
    },
  };
}
