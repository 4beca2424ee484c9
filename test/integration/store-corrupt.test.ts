// A damaged file at start is moved aside with a warning, never replaced by an empty store; its intact lines and the rest still load.

import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../shared/records.ts';
import { openStore, type CaptureDraft } from '../../server/store/index.ts';

let dataDir: string;
const warnings: string[] = [];
const log = (line: string) => warnings.push(line);

function draft(id: string): CaptureDraft {
  return {
    id, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback', headers: [], body: Buffer.from('{}'), size: 2,
    remoteAddress: '127.0.0.1', sender: '127.0.0.1', verification: { verdict: 'valid', reason: 'ok', canonical: null, fields: [], key: null, diagnosis: null },
    summary: {}, payment: null,
  };
}

/** Six captures over three segment files of two, and one payment. */
async function fillDataDir(): Promise<void> {
  const store = await openStore({ dataDir, segmentSize: 2, log });
  for (let i = 1; i <= 6; i++) await store.captures.append(draft(`c${i}`));
  await store.payments.put({
    paymentId: 'pay-1', orderId: 'o1', amount: 1, currency: 'MDL', terminalId: 'T', payDescription: 'd', paymentType: 'qr', backend: 'emulator',
    backendUrl: 'http://127.0.0.1:1', createdAt: new Date().toISOString(), status: 'CREATED', timeline: [], callbackCaptureIds: [], callbackNeverArrived: false,
  } satisfies PaymentRecord);
  await store.close();
}

async function setAsideFiles(dir: string, base: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith(`${base}.corrupt-`));
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'miahook-store-corrupt-'));
  warnings.length = 0;
  await fillDataDir();
});

describe('store with damaged files', () => {
  it('moves a truncated segment aside, keeps its intact lines, loads the others, and does not reuse its seqs', async () => {
    const segment = join(dataDir, 'captures', '000003.json');
    const original = await readFile(segment);
    // The cut falls inside c6's line (the second of c5, c6): c5's line is intact.
    const cut = Math.floor(original.length * 0.75);
    await truncate(segment, cut);
    // Without meta.json (as after a crash before it was rewritten) only the segment texts tell the last seq.
    await rm(join(dataDir, 'meta.json'));
    const store = await openStore({ dataDir, segmentSize: 2, log });
    expect((await store.captures.list({})).items.map((capture) => capture.id)).toEqual(['c5', 'c4', 'c3', 'c2', 'c1']);
    expect((await store.captures.read('c5'))?.bodyBase64).toBe(Buffer.from('{}').toString('base64'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/000003\.json was damaged: 1 records were read back from it and 1 damaged lines could not be.*moved to .*000003\.json\.corrupt-/);
    const [aside] = await setAsideFiles(join(dataDir, 'captures'), '000003.json');
    expect(await readFile(join(dataDir, 'captures', aside!))).toEqual(original.subarray(0, cut));
    expect(store.recovery).toEqual({ recovered: 1, lost: 1, setAside: [join(dataDir, 'captures', aside!)] });
    // The next seq is past c5 (read back) and past any seq the cut text still shows.
    const shown = [...original.subarray(0, cut).toString('utf8').matchAll(/"seq":(\d+)/g)].map((match) => Number(match[1]));
    expect((await store.captures.append(draft('c7'))).seq).toBe(Math.max(5, ...shown) + 1);
    expect(store.payments.get('pay-1')).toBeDefined();
    await store.close();
    // What was read back was written again: a restart finds it without a warning.
    const again = await openStore({ dataDir, segmentSize: 2, log });
    expect(again.captures.get('c5')).toBeDefined();
    expect(again.recovery).toEqual({ recovered: 0, lost: 0, setAside: [] });
    await again.close();
    expect(warnings).toHaveLength(1);
  });

  it('moves garbage bytes and an empty file aside the same way', async () => {
    await writeFile(join(dataDir, 'captures', '000001.json'), Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37, 0x80]));
    await writeFile(join(dataDir, 'captures', '000002.json'), '');
    const store = await openStore({ dataDir, segmentSize: 2, log });
    expect((await store.captures.list({})).items.map((capture) => capture.id)).toEqual(['c6', 'c5']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/000001\.json was damaged: 0 records were read back from it and 1 damaged lines could not be.*moved to .*000001\.json\.corrupt-/);
    expect(warnings[1]).toMatch(/000002\.json was damaged: 0 records were read back.*moved to .*000002\.json\.corrupt-/);
    expect(await setAsideFiles(join(dataDir, 'captures'), '000001.json')).toHaveLength(1);
    expect(await setAsideFiles(join(dataDir, 'captures'), '000002.json')).toHaveLength(1);
    expect(store.recovery).toMatchObject({ recovered: 0, lost: 1 });
    expect(store.recovery.setAside).toHaveLength(2);
    expect((await store.captures.append(draft('c7'))).seq).toBe(7);
    await store.close();
  });

  it('moves valid JSON of the wrong shape aside', async () => {
    await writeFile(join(dataDir, 'captures', '000002.json'), JSON.stringify({ records: [{ id: 3 }] }));
    const store = await openStore({ dataDir, segmentSize: 2, log });
    expect(store.captures.count()).toBe(4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/000002\.json was damaged: 0 records were read back from it and 1 damaged lines could not be.*moved to .*000002\.json\.corrupt-/);
    expect(await setAsideFiles(join(dataDir, 'captures'), '000002.json')).toHaveLength(1);
    expect(store.recovery).toMatchObject({ recovered: 0, lost: 1 });
    await store.close();
  });

  it('moves a corrupt payments file aside with a warning and keeps the captures', async () => {
    await writeFile(join(dataDir, 'payments.json'), '{"payments":[{"paymentId":"pay-1",');
    const store = await openStore({ dataDir, segmentSize: 2, log });
    expect(store.payments.list()).toEqual([]);
    expect(store.captures.count()).toBe(6);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/payments\.json could not be read/);
    expect(await setAsideFiles(dataDir, 'payments.json')).toHaveLength(1);
    await store.close();
  });

  it('survives a corrupt meta.json without reusing seqs', async () => {
    await writeFile(join(dataDir, 'meta.json'), 'garbage');
    const store = await openStore({ dataDir, segmentSize: 2, log });
    expect(warnings[0]).toMatch(/meta\.json could not be read/);
    expect((await store.captures.append(draft('c7'))).seq).toBe(7);
    await store.close();
  });
});
