// The store acknowledges only what is on disk: concurrent appends, retention, deliveries and payments on real files.

import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Capture, Delivery, PaymentRecord } from '../../shared/records.ts';
import { openStore, type CaptureDraft, type Store } from '../../server/store/index.ts';

let dataDir: string;
let store: Store;
const warnings: string[] = [];

function captureDraft(id: string): CaptureDraft {
  const body = Buffer.from(`{"result":{"orderId":"${id}"},"signature":"${'s'.repeat(300)}"}`);
  return {
    id, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [['Content-Type', 'application/json']],
    body, size: body.length, remoteAddress: '127.0.0.1', sender: '127.0.0.1',
    verification: { verdict: 'valid', reason: 'ok', canonical: null, fields: [], key: null, diagnosis: null }, summary: {}, payment: null,
  };
}

function deliveryDraft(id: string, captureId?: string): Omit<Delivery, 'seq'> {
  return {
    id, kind: captureId ? 'replay' : 'emulator-callback', captureId, target: 'http://127.0.0.1:1/hook', startedAt: new Date().toISOString(), durationMs: 3,
    request: { method: 'POST', headers: [], bodyBase64: '' }, response: { status: 200, headers: [], bodyBase64: '', truncated: false }, error: null,
  };
}

function payment(paymentId: string, status: PaymentRecord['status'] = 'CREATED'): PaymentRecord {
  return {
    paymentId, orderId: `o-${paymentId}`, amount: 10, currency: 'MDL', terminalId: 'T1', payDescription: 'test', paymentType: 'qr', backend: 'emulator',
    backendUrl: 'http://127.0.0.1:1', createdAt: new Date().toISOString(), status, timeline: [], callbackCaptureIds: [], callbackNeverArrived: false,
  };
}

interface RecordOnDisk {
  id: string;
  /** Captures: where their headers and body are in captures/bodies. */
  blob?: { file: number; offset: number; length: number };
}

/** Records in a file of a collection, read synchronously: journal lines first, then segment files (a checkpoint deletes a journal only after its segments are written). */
function recordsOnDisk(collection: 'captures' | 'deliveries'): Map<string, RecordOnDisk> {
  const dir = join(dataDir, collection);
  const found = new Map<string, RecordOnDisk>();
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null; // a checkpoint removed it meanwhile
      throw error;
    }
  };
  for (const name of readdirSync(dir).filter((file) => /^journal-\d+\.jsonl$/.test(file))) {
    for (const line of (read(name) ?? '').split('\n').filter((text) => text.endsWith('}'))) {
      const entry = JSON.parse(line) as { op: string; record?: RecordOnDisk };
      if (entry.op === 'put') found.set(entry.record!.id, entry.record!);
    }
  }
  for (const name of readdirSync(dir).filter((file) => /^\d+\.json$/.test(file))) {
    const text = read(name);
    if (text === null) continue;
    // Each line of `records` is `[hash, record]` (or a bare record in files written before hashes).
    for (const line of (JSON.parse(text) as { records: Array<[string, RecordOnDisk] | RecordOnDisk> }).records) {
      const record = Array.isArray(line) ? line[1] : line;
      found.set(record.id, record);
    }
  }
  return found;
}

function idsOnDisk(collection: 'captures' | 'deliveries'): Set<string> {
  return new Set(recordsOnDisk(collection).keys());
}

/** The bytes a capture record on disk points to in captures/bodies (headers JSON, then the body), read synchronously; null when missing. */
function blobOnDisk(record: RecordOnDisk): Buffer | null {
  const blob = record.blob;
  if (!blob) return null;
  const fd = openSync(join(dataDir, 'captures', 'bodies', `${String(blob.file).padStart(6, '0')}.bin`), 'r');
  try {
    const bytes = Buffer.alloc(blob.length);
    const read = readSync(fd, bytes, 0, blob.length, blob.offset);
    return read === blob.length ? bytes : null;
  } finally {
    closeSync(fd);
  }
}

const blobOf = (draft: CaptureDraft) => Buffer.concat([Buffer.from(JSON.stringify(draft.headers)), draft.body]);

const reopen = async (options: { keep?: number; segmentSize?: number } = {}) => {
  await store.close();
  store = await openStore({ dataDir, log: (line) => warnings.push(line), ...options });
};

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'miahook-store-durability-'));
  warnings.length = 0;
  store = await openStore({ dataDir, segmentSize: 50, log: (line) => warnings.push(line) });
});

afterEach(async () => {
  await store.close();
  expect(warnings).toEqual([]);
});

describe('store durability', () => {
  it('resolves each of 500 concurrent appends only once its record and its bytes are in files on disk', async () => {
    const missing: string[] = [];
    await Promise.all(Array.from({ length: 500 }, (_, i) =>
      store.captures.append(captureDraft(`c${i}`)).then((capture) => {
        const record = recordsOnDisk('captures').get(capture.id);
        if (!record) missing.push(capture.id);
        else if (!blobOnDisk(record)?.equals(blobOf(captureDraft(capture.id)))) missing.push(`${capture.id} (bytes)`);
      })));
    expect(missing).toEqual([]);
    const seqs = (await store.captures.list({ limit: 500 })).items.map((capture) => capture.seq);
    expect(new Set(seqs).size).toBe(500);
    expect(Math.max(...seqs)).toBe(500);
    await store.close();
    // Closing checkpoints: ten full segment files, no journal left, and the blob files hold every capture's bytes once.
    expect((await readdir(join(dataDir, 'captures'))).sort()).toEqual([...Array.from({ length: 10 }, (_, i) => `${String(i + 1).padStart(6, '0')}.json`), 'bodies']);
    const blobFiles = await readdir(join(dataDir, 'captures', 'bodies'));
    expect(blobFiles.length).toBeGreaterThan(0);
    expect(blobFiles.filter((name) => !/^\d{6}\.bin$/.test(name))).toEqual([]);
    const blobBytes = (await Promise.all(blobFiles.map((name) => stat(join(dataDir, 'captures', 'bodies', name))))).reduce((sum, file) => sum + file.size, 0);
    expect(blobBytes).toBe(Array.from({ length: 500 }, (_, i) => blobOf(captureDraft(`c${i}`)).length).reduce((sum, length) => sum + length, 0));
    await reopen({ segmentSize: 50 });
    expect(store.captures.count()).toBe(500);
    expect(Buffer.from((await store.captures.read('c499'))!.bodyBase64, 'base64')).toEqual(captureDraft('c499').body);
  });

  it('evicts the oldest captures beyond keep, deletes emptied segment files, and keeps it so after reopen', async () => {
    await reopen({ keep: 5, segmentSize: 2 });
    for (let i = 1; i <= 12; i++) await store.captures.append(captureDraft(`r${i}`));
    const newestFive = ['r12', 'r11', 'r10', 'r9', 'r8'];
    expect((await store.captures.list({})).items.map((capture) => capture.id)).toEqual(newestFive);
    expect(store.captures.get('r7')).toBeUndefined();
    await reopen({ keep: 100, segmentSize: 2 });
    expect((await store.captures.list({})).items.map((capture) => capture.id)).toEqual(newestFive);
    expect((await readdir(join(dataDir, 'captures'))).sort()).toEqual(['000004.json', '000005.json', '000006.json', 'bodies']);
    expect((await store.captures.append(captureDraft('r13'))).seq).toBe(13);
  });

  it('stores deliveries durably, lists them per capture and recent first, evicts the oldest beyond 5x keep', async () => {
    await reopen({ keep: 2, segmentSize: 4 });
    const missing: string[] = [];
    await Promise.all(Array.from({ length: 12 }, (_, i) =>
      store.deliveries.append(deliveryDraft(`d${i}`, i % 2 === 0 ? 'cap' : undefined)).then((delivery) => {
        // One already evicted by retention (d0, d1) may never reach a file; every one still held must.
        const held = store.deliveries.listRecent({ limit: 100 }).some((kept) => kept.id === delivery.id);
        if (held && !idsOnDisk('deliveries').has(delivery.id)) missing.push(delivery.id);
      })));
    expect(missing).toEqual([]);
    expect(store.deliveries.count()).toBe(10);
    expect(store.deliveries.listRecent({ limit: 3 }).map((delivery) => delivery.id)).toEqual(['d11', 'd10', 'd9']);
    expect(store.deliveries.listRecent({ kind: 'replay', limit: 2 }).map((delivery) => delivery.id)).toEqual(['d10', 'd8']);
    expect(store.deliveries.listForCapture('cap').map((delivery) => delivery.id)).toEqual(['d2', 'd4', 'd6', 'd8', 'd10']);
    await reopen({ keep: 2, segmentSize: 4 });
    expect(store.deliveries.listForCapture('cap')).toHaveLength(5);
    expect((await store.deliveries.append(deliveryDraft('d12'))).seq).toBe(13);
  });

  it('removes the deliveries of a deleted capture', async () => {
    await store.captures.append(captureDraft('gone'));
    await store.deliveries.append(deliveryDraft('x1', 'gone'));
    await store.deliveries.append(deliveryDraft('x2'));
    await store.captures.delete('gone');
    expect(store.deliveries.listForCapture('gone')).toEqual([]);
    await reopen();
    expect(store.deliveries.listRecent().map((delivery) => delivery.id)).toEqual(['x2']);
  });

  it('puts payments by paymentId, lists newest first, persists, and keeps the newest 5,000', async () => {
    await store.payments.put(payment('p1'));
    await store.payments.put(payment('p2'));
    await store.payments.put(payment('p1', 'SUCCESS'));
    expect(store.payments.list().map((record) => [record.paymentId, record.status])).toEqual([['p2', 'CREATED'], ['p1', 'SUCCESS']]);
    await reopen();
    expect(store.payments.get('p1')?.status).toBe('SUCCESS');
    await Promise.all(Array.from({ length: 5000 }, (_, i) => store.payments.put(payment(`bulk${i}`))));
    expect(store.payments.list()).toHaveLength(5000);
    expect(store.payments.get('p1')).toBeUndefined();
    await reopen();
    expect(store.payments.list()[0]?.paymentId).toBe('bulk4999');
    expect(store.payments.list()).toHaveLength(5000);
  });
});
