// The store's captures on real files: append/get, newest-first paging, filters, search, update, delete, reopen.

import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Capture } from '../../shared/records.ts';
import type { VerdictKind } from '../../shared/verdict.ts';
import { openStore, type CaptureDraft, type Store } from '../../server/store/index.ts';

let dataDir: string;
let store: Store;
const warnings: string[] = [];

function draft(id: string, fields: { channel?: string | null; status?: string; verdict?: VerdictKind; body?: string | Buffer; sender?: string } = {}): CaptureDraft {
  const body = Buffer.from(fields.body ?? `{"result":{"orderId":"order-${id}"}}`);
  return {
    id,
    receivedAt: new Date().toISOString(),
    channel: fields.channel ?? null,
    method: 'POST',
    url: fields.channel ? `/callback/${fields.channel}` : '/callback',
    headers: [['Content-Type', 'application/json']],
    body,
    size: body.length,
    remoteAddress: '127.0.0.1',
    sender: fields.sender ?? '127.0.0.1',
    verification: { verdict: fields.verdict ?? 'valid', reason: `Verdict for ${id}.`, canonical: null, fields: [], key: null, diagnosis: null },
    summary: { status: fields.status ?? 'SUCCESS', orderId: `order-${id}` },
    payment: null,
  };
}

const ids = (captures: Capture[]) => captures.map((capture) => capture.id);

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'miahook-store-captures-'));
  warnings.length = 0;
  store = await openStore({ dataDir, segmentSize: 3, log: (line) => warnings.push(line) });
});

afterEach(async () => {
  await store.close();
  expect(warnings).toEqual([]);
});

describe('store captures', () => {
  it('assigns increasing seq and returns what it stored', async () => {
    const first = await store.captures.append(draft('a'));
    const second = await store.captures.append(draft('b'));
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(store.captures.get('a')).toEqual(first);
    expect(store.captures.get('missing')).toBeUndefined();
    expect(store.captures.count()).toBe(2);
    await expect(store.captures.append(draft('a'))).rejects.toThrow(/already stored/);
  });

  it('pages newest first with the before cursor', async () => {
    for (let i = 1; i <= 7; i++) await store.captures.append(draft(`c${i}`));
    const first = store.captures.list({ limit: 3 });
    expect(ids(first.items)).toEqual(['c7', 'c6', 'c5']);
    expect(first).toMatchObject({ total: 7, nextBefore: 5 });
    const second = store.captures.list({ limit: 3, before: first.nextBefore! });
    expect(ids(second.items)).toEqual(['c4', 'c3', 'c2']);
    const last = store.captures.list({ limit: 3, before: second.nextBefore! });
    expect(ids(last.items)).toEqual(['c1']);
    expect(last.nextBefore).toBeNull();
    expect(store.captures.list({}).items).toHaveLength(7);
    expect(store.captures.list({ limit: 10_000 }).items).toHaveLength(7);
    expect(ids(store.captures.since(5))).toEqual(['c6', 'c7']);
    expect(ids(store.captures.since(0, 2))).toEqual(['c1', 'c2']);
  });

  it('filters by channel, status, verdict and searches text case-insensitively', async () => {
    await store.captures.append(draft('one', { channel: 'alice', status: 'SUCCESS', verdict: 'valid' }));
    await store.captures.append(draft('two', { channel: 'bob', status: 'FAILED', verdict: 'invalid' }));
    await store.captures.append(draft('three', { channel: 'alice', status: 'FAILED', verdict: 'unverifiable', body: '{"note":"Hello Needle"}' }));
    await store.captures.append(draft('four', { body: Buffer.from([0xff, 0x00, 0xfe]), sender: '203.0.113.9' }));

    expect(ids(store.captures.list({ channel: 'alice' }).items)).toEqual(['three', 'one']);
    expect(ids(store.captures.list({ channel: '' }).items)).toEqual(['four']);
    expect(ids(store.captures.list({ status: 'failed' }).items)).toEqual(['three', 'two']);
    expect(ids(store.captures.list({ verdict: 'invalid' }).items)).toEqual(['two']);
    expect(ids(store.captures.list({ q: 'NEEDLE' }).items)).toEqual(['three']);
    expect(ids(store.captures.list({ q: 'order-two' }).items)).toEqual(['two']);
    expect(ids(store.captures.list({ q: '203.0.113' }).items)).toEqual(['four']);
    expect(ids(store.captures.list({ q: 'verdict for one' }).items)).toEqual(['one']);
    const page = store.captures.list({ channel: 'alice', status: 'failed', limit: 1 });
    expect(page).toMatchObject({ total: 1, nextBefore: null });
    const paged = store.captures.list({ status: 'failed', limit: 1 });
    expect(ids(paged.items)).toEqual(['three']);
    expect(paged).toMatchObject({ total: 2, nextBefore: 3 });
    expect(ids(store.captures.list({ status: 'failed', limit: 1, before: 3 }).items)).toEqual(['two']);
    expect(store.captures.channels()).toEqual(['alice', 'bob']);
  });

  it('updates in place, keeping id and seq, and the search text follows', async () => {
    const stored = await store.captures.append(draft('u'));
    const updated = await store.captures.update('u', (capture) => ({ ...capture, seq: 99, id: 'other', summary: { status: 'REFUNDED' } }));
    expect(updated).toMatchObject({ id: 'u', seq: stored.seq, summary: { status: 'REFUNDED' } });
    expect(ids(store.captures.list({ q: 'refunded' }).items)).toEqual(['u']);
    expect(await store.captures.update('missing', (capture) => capture)).toBeUndefined();
  });

  it('keeps everything across close and reopen, and seq continues', async () => {
    for (let i = 1; i <= 5; i++) await store.captures.append(draft(`p${i}`, { channel: 'keep' }));
    await store.captures.update('p2', (capture) => ({ ...capture, summary: { status: 'CHANGED' } }));
    await store.close();
    store = await openStore({ dataDir, segmentSize: 3, log: (line) => warnings.push(line) });
    expect(store.captures.count()).toBe(5);
    expect(store.captures.get('p2')?.summary.status).toBe('CHANGED');
    expect(store.captures.channels()).toEqual(['keep']);
    expect((await store.captures.append(draft('p6'))).seq).toBe(6);
  });

  it('persists delete and clear, never reusing a seq', async () => {
    for (let i = 1; i <= 5; i++) await store.captures.append(draft(`d${i}`));
    expect(await store.captures.delete('d5')).toBe(true);
    expect(await store.captures.delete('d5')).toBe(false);
    expect(await store.captures.delete('d2')).toBe(true);
    await store.close();
    store = await openStore({ dataDir, segmentSize: 3, log: (line) => warnings.push(line) });
    expect(ids(store.captures.list({}).items)).toEqual(['d4', 'd3', 'd1']);
    expect((await store.captures.append(draft('d6'))).seq).toBe(6);
    expect(await store.captures.clear()).toBe(4);
    expect(store.captures.count()).toBe(0);
    await store.close();
    store = await openStore({ dataDir, segmentSize: 3, log: (line) => warnings.push(line) });
    expect(store.captures.count()).toBe(0);
    expect(store.captures.channels()).toEqual([]);
    expect((await store.captures.append(draft('d7'))).seq).toBe(7);
  });

  it('does not reuse the seq of a deleted newest capture after a restart without close (a crash)', async () => {
    await store.close();
    store = await openStore({ dataDir, segmentSize: 3, checkpointDelayMs: 60_000, log: (line) => warnings.push(line) });
    for (let i = 1; i <= 4; i++) await store.captures.append(draft(`k${i}`));
    await store.captures.delete('k4');
    // The files as they are now, with no checkpoint run, are what a kill -9 would leave: restart from a copy of them.
    const crashed = await mkdtemp(join(tmpdir(), 'miahook-store-captures-crash-'));
    await cp(dataDir, crashed, { recursive: true });
    const restarted = await openStore({ dataDir: crashed, segmentSize: 3, log: (line) => warnings.push(line) });
    try {
      expect(ids(restarted.captures.list({}).items)).toEqual(['k3', 'k2', 'k1']);
      expect((await restarted.captures.append(draft('k5'))).seq).toBe(5);
    } finally {
      await restarted.close();
    }
  });

  it('refuses writes after close, and close is idempotent', async () => {
    await store.close();
    await store.close();
    await expect(store.captures.append(draft('late'))).rejects.toThrow(/closed/);
  });
});

describe('body byte budget', () => {
  it('evicts the oldest captures when their bodies exceed maxBodyBytes, keeping the newest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'miahook-budget-'));
    const store = await openStore({ dataDir: dir, maxBodyBytes: 10_000 });
    const big = (n: number) => ({
      id: `cap_big_${n}`, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [] as [string, string][],
      bodyBase64: Buffer.alloc(3000, 0x61).toString('base64'), size: 3000, remoteAddress: '127.0.0.1', sender: '127.0.0.1', summary: {}, payment: null,
      verification: { verdict: 'unverifiable' as const, reason: 'x', canonical: null, fields: [], key: null, diagnosis: null },
    });
    for (let n = 1; n <= 5; n++) await store.captures.append(big(n));
    expect(store.captures.count()).toBe(3);
    expect(store.captures.list({}).items.map((capture) => capture.id)).toEqual(['cap_big_5', 'cap_big_4', 'cap_big_3']);
    await store.captures.append({ ...big(6), body: Buffer.alloc(50_000), size: 50_000 });
    expect(store.captures.list({}).items.map((capture) => capture.id)).toEqual(['cap_big_6']);
    await store.close();
  });
});

describe('retention under a flood', () => {
  it('evicts captures that are not validly signed before genuine ones, and persists that', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'miahook-junk-'));
    const store = await openStore({ dataDir: dir, keep: 5 });
    const capture = (id: string, verdict: VerdictKind) => ({
      id, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [] as [string, string][],
      body: Buffer.alloc(0), size: 0, remoteAddress: '127.0.0.1', sender: '127.0.0.1', summary: {}, payment: null,
      verification: { verdict, reason: 'x', canonical: null, fields: [], key: null, diagnosis: null },
    });
    await store.captures.append(capture('genuine-1', 'valid'));
    await store.captures.append(capture('genuine-2', 'valid'));
    for (let i = 1; i <= 3; i++) await store.captures.append(capture(`junk-${i}`, 'unverifiable'));
    for (let i = 1; i <= 3; i++) await store.captures.append(capture(`flood-${i}`, 'invalid'));
    const ids = () => store.captures.list({}).items.map((item) => item.id).reverse();
    expect(ids()).toEqual(['genuine-1', 'genuine-2', 'flood-1', 'flood-2', 'flood-3']);
    await store.captures.append(capture('genuine-3', 'valid'));
    expect(ids()).toEqual(['genuine-1', 'genuine-2', 'flood-2', 'flood-3', 'genuine-3']);
    await store.close();
    const reopened = await openStore({ dataDir: dir, keep: 5 });
    expect(reopened.captures.list({}).items.map((item) => item.id).reverse()).toEqual(['genuine-1', 'genuine-2', 'flood-2', 'flood-3', 'genuine-3']);
    await reopened.close();
  });
});

describe('retention by bytes under a flood', () => {
  it('makes room by bytes from junk first, keeping genuine captures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'miahook-junk-bytes-'));
    const store = await openStore({ dataDir: dir, maxBodyBytes: 10_000 });
    const capture = (id: string, verdict: VerdictKind, size: number) => ({
      id, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [] as [string, string][],
      bodyBase64: Buffer.alloc(size, 0x61).toString('base64'), size, remoteAddress: '127.0.0.1', sender: '127.0.0.1', summary: {}, payment: null,
      verification: { verdict, reason: 'x', canonical: null, fields: [], key: null, diagnosis: null },
    });
    await store.captures.append(capture('genuine-1', 'valid', 1000));
    for (let i = 1; i <= 4; i++) await store.captures.append(capture(`junk-${i}`, 'invalid', 2000));
    await store.captures.append(capture('junk-5', 'invalid', 4000));
    const ids = store.captures.list({}).items.map((item) => item.id).reverse();
    expect(ids).toEqual(['genuine-1', 'junk-3', 'junk-4', 'junk-5']);
    await store.close();
  });
});
