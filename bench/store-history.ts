// Benchmark: median durable append time of the store when empty and with 20,000 stored captures.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Capture } from '../shared/records.ts';
import { openStore, type Store } from '../server/store/index.ts';

export interface StoreHistoryResult {
  stored: number;
  samples: number;
  medianMs: number;
  p99Ms: number;
}

/** A capture like a real 1 KB signed callback. */
export function makeCaptureDraft(index: number): Omit<Capture, 'seq'> {
  const body = JSON.stringify({
    result: { paymentId: randomBytes(16).toString('hex'), orderId: `order-${index}`, status: 'SUCCESS', amount: 1775.0, currency: 'MDL', executedAt: new Date().toISOString(), payerName: 'Bench Payer', pad: 'x'.repeat(600) },
    signature: randomBytes(256).toString('base64'),
  });
  return {
    id: `bench-${index}-${randomBytes(4).toString('hex')}`,
    receivedAt: new Date().toISOString(),
    channel: null,
    method: 'POST',
    url: '/callback',
    headers: [['Host', '127.0.0.1'], ['Content-Type', 'application/json'], ['Content-Length', String(body.length)]],
    bodyBase64: Buffer.from(body).toString('base64'),
    size: body.length,
    remoteAddress: '127.0.0.1',
    sender: '127.0.0.1',
    verification: { verdict: 'valid', reason: 'The signature matches.', canonical: 'x', fields: [], key: null, diagnosis: null },
    summary: { status: 'SUCCESS', orderId: `order-${index}`, amount: '1775.00', currency: 'MDL' },
    payment: null,
  };
}

async function fill(store: Store, count: number): Promise<void> {
  for (let done = 0; done < count; done += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - done) }, (_, i) => store.captures.append(makeCaptureDraft(done + i))));
  }
}

/** Opens a store in a temp dir, stores `stored` captures, then times `samples` sequential appends. */
export async function measureStoreHistory(stored: number, samples = 400): Promise<StoreHistoryResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'miahook-bench-store-'));
  try {
    const options = { dataDir, keep: stored + samples + 1000, log: () => {} };
    let store = await openStore(options);
    await fill(store, stored);
    await store.close();
    store = await openStore(options);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const draft = makeCaptureDraft(stored + i);
      const start = performance.now();
      await store.captures.append(draft);
      times.push(performance.now() - start);
    }
    await store.close();
    times.sort((a, b) => a - b);
    return { stored, samples, medianMs: times[Math.floor(times.length / 2)]!, p99Ms: times[Math.floor(times.length * 0.99)]! };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const empty = await measureStoreHistory(0);
  const full = await measureStoreHistory(20_000);
  console.table([empty, full].map((result) => ({ ...result, medianMs: result.medianMs.toFixed(3), p99Ms: result.p99Ms.toFixed(3) })));
  console.log(`history ratio (median at 20,000 / median at 0): ${(full.medianMs / empty.medianMs).toFixed(2)} (target <= 2)`);
}
