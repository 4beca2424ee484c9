// The store's write-ahead journal on real files: acks after the journal append, crash images, torn and damaged journals, checkpoints.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaptureInfo, Delivery } from '../../shared/records.ts';
import { openStore, type CaptureDraft, type Store, type StoreOptions } from '../../server/store/index.ts';
import { Journal, journalPath } from '../../server/store/journal.ts';
import { traceSyscalls, type TracedRun } from '../helpers/trace-syscalls.ts';
import { waitFor } from '../helpers/wait-for.ts';

let dataDir: string;
let store: Store;
const warnings: string[] = [];
const log = (line: string) => warnings.push(line);

function draft(id: string, status = 'SUCCESS'): CaptureDraft {
  return {
    id, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [['Content-Type', 'application/json']],
    body: Buffer.from(`{"result":{"orderId":"${id}"}}`), size: 27, remoteAddress: '127.0.0.1', sender: '127.0.0.1',
    verification: { verdict: 'valid', reason: 'ok', canonical: null, fields: [], key: null, diagnosis: null }, summary: { status }, payment: null,
  };
}

function deliveryDraft(id: string, captureId: string): Omit<Delivery, 'seq'> {
  return {
    id, kind: 'replay', captureId, target: 'http://127.0.0.1:1/hook', startedAt: new Date().toISOString(), durationMs: 1,
    request: { method: 'POST', headers: [], bodyBase64: '' }, response: null, error: 'refused',
  };
}

const open = (options: Partial<StoreOptions> = {}, dir = dataDir) => openStore({ dataDir: dir, segmentSize: 3, log, ...options });
const ids = (captures: CaptureInfo[]) => captures.map((capture) => capture.id);
const journalFiles = (collection: string, dir = dataDir) => readdirSync(join(dir, collection)).filter((name) => /^journal-\d+\.jsonl$/.test(name)).sort();
const segmentFiles = (collection: string, dir = dataDir) => readdirSync(join(dir, collection)).filter((name) => /^\d+\.json$/.test(name)).sort();

/** Every complete journal line of a collection, parsed, read synchronously at the moment of the call. */
function journalEntries(collection: string, dir = dataDir): Array<{ op: string; seq?: number; record?: { id: string; summary?: { status?: string } }; evict?: string[]; ids?: string[] }> {
  return journalFiles(collection, dir).flatMap((name) =>
    readFileSync(join(dir, collection, name), 'utf8').split('\n').slice(0, -1).map((line) => JSON.parse(line) as ReturnType<typeof journalEntries>[number]));
}

/** Ids in a collection's segment files: each line of `records` is `[hash, record]` (or a bare record in files written before hashes). */
function segmentIds(collection: string, dir = dataDir): string[] {
  return segmentFiles(collection, dir).flatMap((name) => (JSON.parse(readFileSync(join(dir, collection, name), 'utf8')) as { records: Array<[string, { id: string }] | { id: string }> }).records
    .map((line) => (Array.isArray(line) ? line[1] : line).id));
}

/** What the files hold at this moment is what a kill -9 would leave: a copy of them to restart from. */
async function crashImage(): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'miahook-store-journal-crash-'));
  await cp(dataDir, copy, { recursive: true });
  return copy;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'miahook-store-journal-'));
  warnings.length = 0;
  // No checkpoint runs during a test unless it opens its own store with a short delay.
  store = await open({ checkpointDelayMs: 60_000 });
});

afterEach(async () => {
  await store.close();
});

describe('store journal', () => {
  it('acknowledges each change only once its line is in the journal file, before any segment file is written', async () => {
    await store.close();
    store = await open({ checkpointDelayMs: 60_000, keep: 300 });
    const late: string[] = [];
    await Promise.all(Array.from({ length: 300 }, (_, i) => store.captures.append(draft(`c${i}`)).then((capture) => {
      if (!journalEntries('captures').some((entry) => entry.op === 'put' && entry.record?.id === capture.id && entry.seq === capture.seq)) late.push(capture.id);
    })));
    expect(late).toEqual([]);
    const delivery = await store.deliveries.append(deliveryDraft('d1', 'c7'));
    expect(journalEntries('deliveries').map((entry) => entry.record?.id)).toEqual([delivery.id]);

    // An append beyond keep: the eviction it makes room with is in the same line, and memory follows only that line.
    const evicting = await store.captures.append(draft('c300'));
    expect(journalEntries('captures').at(-1)).toMatchObject({ op: 'put', seq: evicting.seq, record: { id: 'c300' }, evict: ['c0'] });
    expect(store.captures.get('c0')).toBeUndefined();
    expect(store.captures.count()).toBe(300);
    await store.captures.delete('c7');
    expect(journalEntries('captures').at(-1)).toMatchObject({ op: 'delete', ids: ['c7'] });
    expect(journalEntries('deliveries').at(-1)).toMatchObject({ op: 'delete', ids: ['d1'] });

    // One file per collection, opened once, private; no segment file yet.
    expect(journalFiles('captures')).toEqual(['journal-000001.jsonl']);
    expect(statSync(join(dataDir, 'captures', 'journal-000001.jsonl')).mode & 0o777).toBe(0o600);
    expect(segmentFiles('captures')).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('writes lines in the order they were appended, groups concurrent ones, and moves to a new file when sealed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'miahook-journal-unit-'));
    const journal = new Journal({ dir, firstNo: 7, fsync: false });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => journal.append(`{"n":${i}}`)));
    expect(await journal.seal()).toEqual([journalPath(dir, 7)]);
    expect(await journal.seal()).toEqual([]);
    await journal.append('{"n":"after"}');
    expect(await journal.close()).toEqual([journalPath(dir, 8)]);
    const first = (await readFile(journalPath(dir, 7), 'utf8')).split('\n');
    expect(first).toEqual([...Array.from({ length: 1000 }, (_, i) => `{"n":${i}}`), '']);
    expect(await readFile(journalPath(dir, 8), 'utf8')).toBe('{"n":"after"}\n');
  });

  it('restarts from a crash image: replays the journal, ignores a torn last line with a warning, never reuses its seq', async () => {
    await store.close();
    store = await open({ checkpointDelayMs: 60_000, keep: 4 });
    // c5's line evicts c1 (keep 4); the restart below keeps 10,000, so only the journaled eviction removes c1.
    for (let i = 1; i <= 5; i++) await store.captures.append(draft(`c${i}`));
    await store.captures.delete('c3');
    await store.deliveries.append(deliveryDraft('d1', 'c2'));
    const crashed = await crashImage();
    const journal = join(crashed, 'captures', 'journal-000001.jsonl');
    await appendFile(journal, '{"op":"put","seq":6,"seg":2,"record":{"id":"torn","receivedAt":"2026-');

    const restarted = await open({}, crashed);
    expect(ids((await restarted.captures.list({})).items)).toEqual(['c5', 'c4', 'c2']);
    expect(restarted.captures.get('c1')).toBeUndefined();
    expect((await restarted.captures.read('c2'))?.bodyBase64).toBe(Buffer.from('{"result":{"orderId":"c2"}}').toString('base64'));
    expect(restarted.captures.get('torn')).toBeUndefined();
    expect(restarted.deliveries.listForCapture('c2').map((delivery) => delivery.id)).toEqual(['d1']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/journal-000001\.jsonl ends with an incomplete line \(\d+ bytes\).*never acknowledged and was ignored/);
    expect((await restarted.captures.append(draft('c7'))).seq).toBe(7);
    await restarted.close();

    // The close checkpointed everything: segment files only, and they alone load it all again.
    expect(journalFiles('captures', crashed)).toEqual([]);
    expect(journalFiles('deliveries', crashed)).toEqual([]);
    expect(segmentIds('captures', crashed).sort()).toEqual(['c2', 'c4', 'c5', 'c7']);
    const again = await open({}, crashed);
    expect(ids((await again.captures.list({})).items)).toEqual(['c7', 'c5', 'c4', 'c2']);
    expect((await again.captures.read('c5'))?.bodyBase64).toBe(Buffer.from('{"result":{"orderId":"c5"}}').toString('base64'));
    expect(again.deliveries.count()).toBe(1);
    await again.close();
    expect(warnings).toHaveLength(1);
  });

  it('sets a damaged journal file aside with a warning, loads its readable lines and the rest, and does not reuse its seqs', async () => {
    for (let i = 1; i <= 3; i++) await store.captures.append(draft(`a${i}`));
    const crashed = await crashImage();
    const journal = join(crashed, 'captures', 'journal-000001.jsonl');
    const original = await readFile(journal, 'utf8');
    const lines = original.split('\n');
    lines[2] = lines[2]!.replace('"op":"put"', '"op":"pot"');
    await writeFile(journal, lines.join('\n'));

    const restarted = await open({}, crashed);
    expect(ids((await restarted.captures.list({})).items)).toEqual(['a2', 'a1']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/journal-000001\.jsonl could not be fully read: 1 of its 3 lines are damaged \(the first is line 3\).*moved to .*journal-000001\.jsonl\.corrupt-.*nothing in it was deleted/);
    const aside = (await readdir(join(crashed, 'captures'))).filter((name) => name.startsWith('journal-000001.jsonl.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(crashed, 'captures', aside[0]!), 'utf8')).toBe(lines.join('\n'));
    expect((await restarted.captures.append(draft('a4'))).seq).toBe(4);
    expect(journalFiles('captures', crashed)).toEqual(['journal-000002.jsonl']);
    await restarted.close();
    // The set-aside file is kept; the checkpoint removed only the journal it wrote.
    expect((await readdir(join(crashed, 'captures'))).filter((name) => name.startsWith('journal-'))).toEqual(aside);
  });

  it('checkpoints after the delay: writes only the changed segments, deletes the replaced journals, and a restart loads from segments only', async () => {
    await store.close();
    store = await open({ checkpointDelayMs: 20 });
    for (let i = 1; i <= 4; i++) await store.captures.append(draft(`b${i}`));
    expect(journalFiles('captures')).toEqual(['journal-000001.jsonl']);
    await waitFor(() => journalFiles('captures').length === 0 && segmentIds('captures').length === 4);
    expect(segmentFiles('captures')).toEqual(['000001.json', '000002.json']);
    const fullSegment = statSync(join(dataDir, 'captures', '000001.json')).ino;

    await Promise.all([store.captures.append(draft('b5')), store.captures.append(draft('b6'))]);
    expect(journalFiles('captures')).toEqual(['journal-000002.jsonl']);
    await waitFor(() => journalFiles('captures').length === 0 && segmentIds('captures').length === 6);
    // Segment 1 did not change, so it was not rewritten (a rewrite is a new file renamed over it).
    expect(statSync(join(dataDir, 'captures', '000001.json')).ino).toBe(fullSegment);

    const crashed = await crashImage();
    expect(journalFiles('captures', crashed)).toEqual([]);
    const restarted = await open({}, crashed);
    expect(ids((await restarted.captures.list({})).items)).toEqual(['b6', 'b5', 'b4', 'b3', 'b2', 'b1']);
    expect((await restarted.captures.append(draft('b7'))).seq).toBe(7);
    await restarted.close();
    expect(warnings).toEqual([]);
  });

  it('replays a journal over segments that already hold its changes without duplicates (a crash before the journal was deleted)', async () => {
    await store.close();
    store = await open({ checkpointDelayMs: 60_000, keep: 3 });
    // e4's line evicts e1 (keep 3): replaying e1's put again must not bring it back.
    for (let i = 1; i <= 4; i++) await store.captures.append(draft(`e${i}`));
    await store.captures.delete('e2');
    const image = await crashImage();
    await store.close();
    expect(journalFiles('captures')).toEqual([]);
    await cp(join(image, 'captures', 'journal-000001.jsonl'), join(dataDir, 'captures', 'journal-000001.jsonl'));

    store = await open({ checkpointDelayMs: 60_000 });
    expect(ids((await store.captures.list({})).items)).toEqual(['e4', 'e3']);
    expect(store.captures.get('e1')).toBeUndefined();
    expect((await store.captures.append(draft('e5'))).seq).toBe(5);
    await store.close();
    expect(journalFiles('captures')).toEqual([]);
    expect(segmentIds('captures').sort()).toEqual(['e3', 'e4', 'e5']);
    expect(warnings).toEqual([]);
  });

  it('keeps the journal when a checkpoint cannot write a segment, warns once, and retries until it can', async () => {
    await store.close();
    store = await open({ checkpointDelayMs: 10 });
    // A folder where lowdb writes the segment's temp file: its write fails.
    const blocker = join(dataDir, 'captures', `000001.json.${process.pid}.tmp`); // the temp name writePrivateFile uses
    await mkdir(join(blocker, 'inside'), { recursive: true });
    await store.captures.append(draft('f1'));
    await waitFor(() => warnings.length > 0);
    expect(warnings[0]).toMatch(/a checkpoint of .*captures failed .*its journal files keep every change and it is retried/);
    expect(journalFiles('captures')).toEqual(['journal-000001.jsonl']);
    await store.captures.append(draft('f2'));
    await waitFor(() => journalFiles('captures').length === 2);
    await rm(blocker, { recursive: true });
    await waitFor(() => journalFiles('captures').length === 0 && segmentIds('captures').length === 2);
    expect(warnings).toHaveLength(1);
  });

  it('with fsync, acknowledges and restarts the same way', async () => {
    await store.close();
    store = await open({ fsync: true });
    await Promise.all(['s1', 's2', 's3', 's4'].map((id) => store.captures.append(draft(id))));
    expect(journalEntries('captures')).toHaveLength(4);
    await store.close();
    expect(segmentIds('captures').sort()).toEqual(['s1', 's2', 's3', 's4']);
    store = await open({ fsync: true });
    expect(store.captures.count()).toBe(4);
    expect(warnings).toEqual([]);
  });

  it('with fsync, fdatasyncs the body and the journal line before acknowledging; without, never (strace on a child process)', async () => {
    const script = fileURLToPath(new URL('../helpers/journal-append-child.ts', import.meta.url));
    const run = async (mode: 'fsync' | 'no-fsync') => {
      const dir = await mkdtemp(join(tmpdir(), 'miahook-journal-traced-'));
      try {
        const traced = await traceSyscalls(script, [dir, mode], ['write', 'pwrite64', 'writev', 'pwritev', 'fdatasync', 'fsync']);
        expect(traced.code, traced.stderr).toBe(0);
        const find = (test: (call: TracedRun['calls'][number]) => boolean) => traced.calls.findIndex(test);
        return {
          wrote: find((call) => /^p?writev?$/.test(call.name) && call.target.endsWith('/captures/journal-000001.jsonl>')),
          datasynced: find((call) => call.name === 'fdatasync' && call.target.endsWith('/captures/journal-000001.jsonl>')),
          dirSynced: find((call) => call.name === 'fsync' && call.target.endsWith('/captures>')),
          bodySynced: find((call) => call.name === 'fdatasync' && /\/captures\/bodies\/\d+\.bin>$/.test(call.target)),
          acked: find((call) => call.name === 'write' && call.target.startsWith('1<') && call.text.includes('acked')),
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };
    const synced = await run('fsync');
    expect(synced.wrote).toBeGreaterThanOrEqual(0);
    expect(synced.datasynced).toBeGreaterThan(synced.wrote);
    expect(synced.acked).toBeGreaterThan(synced.datasynced);
    expect(synced.dirSynced).toBeGreaterThanOrEqual(0);
    expect(synced.dirSynced).toBeLessThan(synced.acked);
    expect(synced.bodySynced).toBeGreaterThanOrEqual(0);
    expect(synced.bodySynced).toBeLessThan(synced.acked);
    const unsynced = await run('no-fsync');
    expect(unsynced.acked).toBeGreaterThan(unsynced.wrote);
    expect(unsynced.wrote).toBeGreaterThanOrEqual(0);
    expect(unsynced.datasynced).toBe(-1);
    expect(unsynced.bodySynced).toBe(-1);
  });
});

describe('a journal write that fails', () => {
  it('rejects the append and keeps the record out of memory and out of the next checkpoint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'miahook-journal-fail-'));
    const store = await openStore({ dataDir: dir });
    const blocker = journalPath(join(dir, 'captures'), 1);
    await mkdir(blocker, { recursive: true });
    await expect(store.captures.append(draft('cap_lost'))).rejects.toThrow();
    expect(store.captures.get('cap_lost')).toBeUndefined();
    expect(store.captures.count()).toBe(0);
    await rm(blocker, { recursive: true });
    await store.captures.append(draft('cap_kept'));
    await store.close();
    const reopened = await openStore({ dataDir: dir });
    expect((await reopened.captures.list({})).items.map((capture) => capture.id)).toEqual(['cap_kept']);
    await reopened.close();
  });
});
