// The store's captures on real files: append/get/read, newest-first paging, filters, search, delete, reopen, retention.

import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaptureInfo } from '../../shared/records.ts';
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

const ids = (captures: CaptureInfo[]) => captures.map((capture) => capture.id);

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
    const signed = '{"result":{"orderId":"order-a","amount":10},"signature":"c2ln"}';
    const first = await store.captures.append(draft('a', { body: signed }));
    const second = await store.captures.append(draft('b'));
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(store.captures.get('a')).toEqual(first);
    // The index holds no bytes, and not what is computed again from them.
    expect(first).not.toHaveProperty('headers');
    expect(first).not.toHaveProperty('bodyBase64');
    expect(first).not.toHaveProperty('blob');
    expect(first.verification).not.toHaveProperty('canonical');
    expect(first.verification).not.toHaveProperty('fields');
    const { body: _body, verification, ...rest } = draft('a', { body: signed });
    expect(await store.captures.read('a')).toEqual({
      ...rest, receivedAt: first.receivedAt, seq: 1, bodyBase64: Buffer.from(signed).toString('base64'),
      verification: { ...verification, canonical: '10.00;order-a', fields: [{ key: 'amount', value: '10.00' }, { key: 'orderId', value: 'order-a' }] },
    });
    expect(await store.captures.readBody('b')).toEqual(Buffer.from('{"result":{"orderId":"order-b"}}'));
    expect(store.captures.get('missing')).toBeUndefined();
    expect(await store.captures.read('missing')).toBeUndefined();
    expect(await store.captures.readBody('missing')).toBeUndefined();
    expect(store.captures.count()).toBe(2);
    await expect(store.captures.append(draft('a'))).rejects.toThrow(/already stored/);
    expect((await store.captures.read('a'))?.bodyBase64).toBe(Buffer.from(signed).toString('base64'));
  });

  it('pages newest first with the before cursor', async () => {
    for (let i = 1; i <= 7; i++) await store.captures.append(draft(`c${i}`));
    const first = await store.captures.list({ limit: 3 });
    expect(ids(first.items)).toEqual(['c7', 'c6', 'c5']);
    expect(first).toMatchObject({ total: 7, nextBefore: 5 });
    const second = await store.captures.list({ limit: 3, before: first.nextBefore! });
    expect(ids(second.items)).toEqual(['c4', 'c3', 'c2']);
    const last = await store.captures.list({ limit: 3, before: second.nextBefore! });
    expect(ids(last.items)).toEqual(['c1']);
    expect(last.nextBefore).toBeNull();
    expect((await store.captures.list({})).items).toHaveLength(7);
    expect((await store.captures.list({ limit: 10_000 })).items).toHaveLength(7);
    expect(ids(store.captures.since(5))).toEqual(['c6', 'c7']);
    expect(ids(store.captures.since(0, 2))).toEqual(['c1', 'c2']);
  });

  it('filters by channel, status, verdict and searches text case-insensitively', async () => {
    await store.captures.append(draft('one', { channel: 'alice', status: 'SUCCESS', verdict: 'valid' }));
    await store.captures.append(draft('two', { channel: 'bob', status: 'FAILED', verdict: 'invalid' }));
    await store.captures.append(draft('three', { channel: 'alice', status: 'FAILED', verdict: 'unverifiable', body: '{"note":"Hello Needle"}' }));
    await store.captures.append(draft('four', { body: Buffer.from([0xff, 0x00, 0xfe]), sender: '203.0.113.9' }));

    expect(ids((await store.captures.list({ channel: 'alice' })).items)).toEqual(['three', 'one']);
    expect(ids((await store.captures.list({ channel: '' })).items)).toEqual(['four']);
    expect(ids((await store.captures.list({ status: 'failed' })).items)).toEqual(['three', 'two']);
    expect(ids((await store.captures.list({ verdict: 'invalid' })).items)).toEqual(['two']);
    expect(ids((await store.captures.list({ q: 'NEEDLE' })).items)).toEqual(['three']);
    expect(ids((await store.captures.list({ q: 'order-two' })).items)).toEqual(['two']);
    expect(ids((await store.captures.list({ q: '203.0.113' })).items)).toEqual(['four']);
    expect(ids((await store.captures.list({ q: 'verdict for one' })).items)).toEqual(['one']);
    const page = await store.captures.list({ channel: 'alice', status: 'failed', limit: 1 });
    expect(page).toMatchObject({ total: 1, nextBefore: null });
    const paged = await store.captures.list({ status: 'failed', limit: 1 });
    expect(ids(paged.items)).toEqual(['three']);
    expect(paged).toMatchObject({ total: 2, nextBefore: 3 });
    expect(ids((await store.captures.list({ status: 'failed', limit: 1, before: 3 })).items)).toEqual(['two']);
    expect(store.captures.channels()).toEqual(['alice', 'bob']);
  });

  it('keeps everything across close and reopen, and seq continues', async () => {
    for (let i = 1; i <= 5; i++) await store.captures.append(draft(`p${i}`, { channel: 'keep', status: i === 2 ? 'CHANGED' : 'SUCCESS', body: i === 4 ? Buffer.from([0xff, 0x00, 0xfe]) : undefined }));
    const before = await Promise.all(['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => store.captures.read(id)));
    await store.close();
    store = await openStore({ dataDir, segmentSize: 3, log: (line) => warnings.push(line) });
    expect(store.captures.count()).toBe(5);
    expect(store.captures.get('p2')?.summary.status).toBe('CHANGED');
    expect(await Promise.all(['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => store.captures.read(id)))).toEqual(before);
    expect((await store.captures.read('p4'))?.bodyBase64).toBe(Buffer.from([0xff, 0x00, 0xfe]).toString('base64'));
    expect(store.captures.channels()).toEqual(['keep']);
    expect((await store.captures.append(draft('p6'))).seq).toBe(6);
  });

  it('persists delete and clear, never reusing a seq', async () => {
    for (let i = 1; i <= 5; i++) await store.captures.append(draft(`d${i}`));
    expect(await store.captures.delete('d5')).toBe(true);
    expect(await store.captures.delete('d5')).toBe(false);
    expect(await store.captures.read('d5')).toBeUndefined();
    expect(await store.captures.delete('d2')).toBe(true);
    await store.close();
    store = await openStore({ dataDir, segmentSize: 3, log: (line) => warnings.push(line) });
    expect(ids((await store.captures.list({})).items)).toEqual(['d4', 'd3', 'd1']);
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
      expect(ids((await restarted.captures.list({})).items)).toEqual(['k3', 'k2', 'k1']);
      expect((await restarted.captures.read('k3'))?.bodyBase64).toBe(Buffer.from('{"result":{"orderId":"order-k3"}}').toString('base64'));
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
    // The budget counts the headers JSON ("[]": 2 bytes) and the body: three of these fit in 10,000 bytes, four do not.
    const big = (n: number): CaptureDraft => ({
      id: `cap_big_${n}`, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [] as [string, string][],
      body: Buffer.alloc(3000, 0x61), size: 3000, remoteAddress: '127.0.0.1', sender: '127.0.0.1', summary: {}, payment: null,
      verification: { verdict: 'unverifiable' as const, reason: 'x', canonical: null, fields: [], key: null, diagnosis: null },
    });
    for (let n = 1; n <= 5; n++) await store.captures.append(big(n));
    expect(store.captures.count()).toBe(3);
    expect((await store.captures.list({})).items.map((capture) => capture.id)).toEqual(['cap_big_5', 'cap_big_4', 'cap_big_3']);
    expect(store.captures.storedBytes()).toBe(3 * 3002);
    expect(store.captures.limits()).toEqual({ keep: 10_000, maxBytes: 10_000 });
    await store.captures.append({ ...big(6), body: Buffer.alloc(50_000), size: 50_000 });
    expect((await store.captures.list({})).items.map((capture) => capture.id)).toEqual(['cap_big_6']);
    expect(store.captures.storedBytes()).toBe(50_002);
    expect((await store.captures.readBody('cap_big_6'))?.length).toBe(50_000);
    await store.close();
  });
});

describe('retention under a flood', () => {
  it('evicts captures that are not validly signed before genuine ones, and persists that', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'miahook-junk-'));
    const store = await openStore({ dataDir: dir, keep: 5 });
    const capture = (id: string, verdict: VerdictKind): CaptureDraft => ({
      id, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [] as [string, string][],
      body: Buffer.alloc(0), size: 0, remoteAddress: '127.0.0.1', sender: '127.0.0.1', summary: {}, payment: null,
      verification: { verdict, reason: 'x', canonical: null, fields: [], key: null, diagnosis: null },
    });
    await store.captures.append(capture('genuine-1', 'valid'));
    await store.captures.append(capture('genuine-2', 'valid'));
    for (let i = 1; i <= 3; i++) await store.captures.append(capture(`junk-${i}`, 'unverifiable'));
    for (let i = 1; i <= 3; i++) await store.captures.append(capture(`flood-${i}`, 'invalid'));
    const ids = async () => (await store.captures.list({})).items.map((item) => item.id).reverse();
    expect(await ids()).toEqual(['genuine-1', 'genuine-2', 'flood-1', 'flood-2', 'flood-3']);
    await store.captures.append(capture('genuine-3', 'valid'));
    expect(await ids()).toEqual(['genuine-1', 'genuine-2', 'flood-2', 'flood-3', 'genuine-3']);
    await store.close();
    const reopened = await openStore({ dataDir: dir, keep: 5 });
    expect((await reopened.captures.list({})).items.map((item) => item.id).reverse()).toEqual(['genuine-1', 'genuine-2', 'flood-2', 'flood-3', 'genuine-3']);
    await reopened.close();
  });
});

describe('retention by bytes under a flood', () => {
  it('makes room by bytes from junk first, keeping genuine captures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'miahook-junk-bytes-'));
    const store = await openStore({ dataDir: dir, maxBodyBytes: 10_000 });
    // Each costs its body and 2 bytes of headers JSON ("[]").
    const capture = (id: string, verdict: VerdictKind, size: number): CaptureDraft => ({
      id, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [] as [string, string][],
      body: Buffer.alloc(size, 0x61), size, remoteAddress: '127.0.0.1', sender: '127.0.0.1', summary: {}, payment: null,
      verification: { verdict, reason: 'x', canonical: null, fields: [], key: null, diagnosis: null },
    });
    await store.captures.append(capture('genuine-1', 'valid', 1000));
    for (let i = 1; i <= 4; i++) await store.captures.append(capture(`junk-${i}`, 'invalid', 2000));
    await store.captures.append(capture('junk-5', 'invalid', 4000));
    const ids = (await store.captures.list({})).items.map((item) => item.id).reverse();
    expect(ids).toEqual(['genuine-1', 'junk-3', 'junk-4', 'junk-5']);
    expect(store.captures.storedBytes()).toBe(1002 + 2002 + 2002 + 4002);
    await store.close();
  });
});
