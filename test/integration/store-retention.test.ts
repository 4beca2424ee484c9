// Retention on real files: junk goes before genuine callbacks, then the oldest; choosing costs the same at any store size.

import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VerdictKind } from '../../shared/verdict.ts';
import { openStore, type CaptureDraft, type Store, type StoreOptions } from '../../server/store/index.ts';

const opened: Store[] = [];
/** The file being written is never reclaimed before it rolls, at 64 KiB at the least (see captures.ts). */
const BLOB_FILE_MINIMUM = 64 * 1024;

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

async function open(options: Omit<StoreOptions, 'dataDir'>, dataDir?: string): Promise<{ store: Store; dataDir: string }> {
  const dir = dataDir ?? await mkdtemp(join(tmpdir(), 'miahook-retention-'));
  const store = await openStore({ dataDir: dir, log: () => {}, ...options });
  opened.push(store);
  return { store, dataDir: dir };
}

function draft(id: string, verdict: VerdictKind, bodyBytes = 100): CaptureDraft {
  const body = Buffer.alloc(bodyBytes, 0x61);
  return {
    id, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [['Content-Type', 'application/json']],
    body, size: body.length, remoteAddress: '127.0.0.1', sender: '127.0.0.1',
    verification: { verdict, reason: verdict, key: null, diagnosis: null }, summary: {}, payment: null,
  };
}

const kept = (store: Store) => store.captures.since(0).map((capture) => capture.id);

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

describe('retention', () => {
  it('evicts captures that are not validly signed first, oldest first, then the oldest genuine ones', async () => {
    const { store } = await open({ keep: 4 });
    await store.captures.append(draft('g1', 'valid'));
    await store.captures.append(draft('j1', 'invalid'));
    await store.captures.append(draft('g2', 'valid'));
    await store.captures.append(draft('j2', 'unverifiable'));
    await store.captures.append(draft('g3', 'valid'));
    expect(kept(store)).toEqual(['g1', 'g2', 'j2', 'g3']);
    await store.captures.append(draft('g4', 'valid'));
    expect(kept(store)).toEqual(['g1', 'g2', 'g3', 'g4']);
    await store.captures.append(draft('g5', 'valid'));
    expect(kept(store)).toEqual(['g2', 'g3', 'g4', 'g5']);
    await store.captures.append(draft('j3', 'invalid'));
    // The newest stays even when it is junk: it is the only way to see a forged callback at all.
    expect(kept(store)).toEqual(['g3', 'g4', 'g5', 'j3']);
  });

  it('holds keep and the byte budget when appends arrive together (they may evict each other before landing)', async () => {
    const { store } = await open({ keep: 5, maxBodyBytes: 10_000 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.captures.append(draft(`c${i}`, 'valid'))));
    expect(kept(store)).toEqual(['c3', 'c4', 'c5', 'c6', 'c7']);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.captures.append(draft(`b${i}`, i === 0 ? 'valid' : 'invalid', 3_000))));
    expect(store.captures.storedBytes()).toBeLessThanOrEqual(10_000);
    expect(kept(store)).toContain('b9');
  });

  it('holds keep while compaction moves bytes between appends (evictions follow the id, not the object)', async () => {
    const { store } = await open({ keep: 30, maxBodyBytes: 1_000_000, blobFileBytes: 8_000, checkpointDelayMs: 1 });
    const checkpoints: Array<Promise<void>> = [];
    for (let i = 0; i < 600; i++) {
      // Not awaited: appends keep coming while a checkpoint's compaction moves captures' bytes.
      if (i % 5 === 0) checkpoints.push(store.captures.checkpoint());
      await store.captures.append(draft(`c${i}`, i % 4 === 0 ? 'valid' : 'invalid', 1_000));
    }
    await Promise.all(checkpoints);
    expect(store.captures.count()).toBe(30);
  });

  it('never deletes a blob file whose captures are still being appended (each body rolls a file, checkpoints run meanwhile)', async () => {
    const { store, dataDir } = await open({ keep: 100_000, blobFileBytes: 4_000, checkpointDelayMs: 1 });
    const acked: string[] = [];
    for (let round = 0; round < 60; round++) {
      const appends = Array.from({ length: 4 }, (_, i) => store.captures.append(draft(`r${round}-${i}`, 'valid', 5_000)).then((capture) => acked.push(capture.id)));
      await Promise.all([...appends, store.captures.checkpoint()]);
    }
    const unreadable: string[] = [];
    for (const id of acked) if ((await store.captures.readBody(id).catch(() => undefined))?.length !== 5_000) unreadable.push(id);
    expect(unreadable).toEqual([]);
    await store.close();
    opened.splice(opened.indexOf(store), 1);
    const reopened = await open({ keep: 100_000 }, dataDir);
    expect(reopened.store.recovery.lost).toBe(0);
    expect(reopened.store.captures.count()).toBe(acked.length);
  });

  it('keeps the same order across a restart (evictions are in the journal)', async () => {
    const { store, dataDir } = await open({ keep: 3, checkpointDelayMs: 60_000 });
    for (const [id, verdict] of [['g1', 'valid'], ['j1', 'invalid'], ['g2', 'valid'], ['g3', 'valid']] as const) await store.captures.append(draft(id, verdict));
    expect(kept(store)).toEqual(['g1', 'g2', 'g3']);
    opened.splice(opened.indexOf(store), 1);
    const reopened = await open({ keep: 3 }, dataDir);
    expect(kept(reopened.store)).toEqual(['g1', 'g2', 'g3']);
  });

  it('looks at a bounded number of records per append, whatever the size of the store', async () => {
    const perAppend = async (keep: number) => {
      const { store } = await open({ keep });
      // The old scan's worst case: a store full of genuine captures, then junk keeps arriving.
      for (let i = 0; i < keep; i++) await store.captures.append(draft(`g${i}`, 'valid', 10));
      const before = store.captures.evictionWork();
      const appends = 300;
      for (let i = 0; i < appends; i++) await store.captures.append(draft(`j${i}`, i % 3 === 0 ? 'valid' : 'invalid', 10));
      expect(store.captures.count()).toBe(keep);
      return (store.captures.evictionWork() - before) / appends;
    };
    const small = await perAppend(100);
    const large = await perAppend(3000);
    expect(small).toBeLessThanOrEqual(2);
    expect(large).toBeLessThanOrEqual(2);
  });

  it('holds the byte budget, junk first, and deletes blob files once nothing in them is kept', async () => {
    const { store, dataDir } = await open({ keep: 1000, maxBodyBytes: 100_000 });
    await store.captures.append(draft('g1', 'valid', 20_000));
    for (let i = 0; i < 20; i++) await store.captures.append(draft(`j${i}`, 'invalid', 20_000));
    expect(store.captures.storedBytes()).toBeLessThanOrEqual(100_000);
    expect(kept(store)[0]).toBe('g1');
    expect(kept(store)).toHaveLength(4);
    await store.captures.checkpoint();
    expect(await dirBytes(dataDir)).toBeLessThanOrEqual(2 * store.captures.storedBytes() + BLOB_FILE_MINIMUM);
  });

  it('keeps the data dir within twice the bytes kept when genuine captures pin old blob files', async () => {
    const { store, dataDir } = await open({ keep: 1000, maxBodyBytes: 400_000, blobFileBytes: 100_000 });
    for (let round = 0; round < 30; round++) {
      await store.captures.append(draft(`g${round}`, 'valid', 2_000));
      for (let i = 0; i < 10; i++) await store.captures.append(draft(`j${round}-${i}`, 'invalid', 10_000));
    }
    for (let i = 0; i < 3; i++) await store.captures.checkpoint();
    expect(kept(store).filter((id) => id.startsWith('g'))).toHaveLength(30);
    expect(await dirBytes(dataDir)).toBeLessThanOrEqual(2 * store.captures.storedBytes() + BLOB_FILE_MINIMUM);
    const reopened = await (async () => {
      await store.close();
      opened.splice(opened.indexOf(store), 1);
      return open({ keep: 1000, maxBodyBytes: 400_000 }, dataDir);
    })();
    const body = await reopened.store.captures.readBody('g0');
    expect(body?.length).toBe(2_000);
  });
});
