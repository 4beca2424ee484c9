// A store at its limits through a real instance: deep bodies open, exports stream at the byte budget, import is all or nothing.

import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureDetail, CaptureListResponse, StatusResponse } from '../../shared/api.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';

const instances: TestInstance[] = [];
afterEach(async () => {
  await Promise.all(instances.splice(0).map((instance) => instance.close()));
});

async function start(args: string[] = [], dataDir?: string): Promise<TestInstance> {
  const instance = await startTestInstance({ args: ['--rate-limit', '0', ...args], dataDir });
  instances.push(instance);
  return instance;
}

async function post(instance: TestInstance, body: string | Buffer): Promise<string> {
  const response = await fetch(`${instance.ingressUrl}/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

const json = async <T>(response: Response): Promise<T> => {
  if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
};

describe('captures at the limits', () => {
  it('opens a capture of 5,000 nested arrays: raw text with a note, never a 500, in the inspector and the share view', async () => {
    const instance = await start();
    const body = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const id = await post(instance, body);
    const detail = await json<CaptureDetail>(await instance.api(`/api/captures/${id}`));
    expect(Buffer.from(detail.bodyBase64, 'base64').toString()).toBe(body);
    expect(detail.json).toBeNull();
    expect(detail.jsonNote).toMatch(/nests 5000 levels deep.*raw text/);
    const list = await json<CaptureListResponse>(await instance.api('/api/captures'));
    expect(list.items.map((item) => item.id)).toEqual([id]);
    const share = await json<{ url: string }>(await instance.api('/api/share', { method: 'POST', body: '{}' }));
    const token = share.url.split('/share/')[1]!.replace(/\/$/, '');
    const shared = await fetch(`${instance.ingressUrl}/share/${token}/api/captures/${id}`);
    expect(shared.status).toBe(200);
    expect(((await shared.json()) as CaptureDetail).jsonNote).toMatch(/raw text/);
  });

  it('lists without bodies or canonical strings: a page of big captures stays small', async () => {
    const instance = await start(['--max-body', '2mb']);
    const filler = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 3; i++) await post(instance, `{"result":{"orderId":"${i}","note":"${filler}"},"signature":"AAAA"}`);
    const text = await (await instance.api('/api/captures?limit=500')).text();
    expect(text.length).toBeLessThan(20_000);
    const list = JSON.parse(text) as CaptureListResponse;
    expect(list.items).toHaveLength(3);
    expect(list.items[0]).not.toHaveProperty('bodyBase64');
    expect(list.items[0]!.verification).not.toHaveProperty('canonical');
    const detail = await json<CaptureDetail>(await instance.api(`/api/captures/${list.items[0]!.id}`));
    expect(detail.verification.canonical).toContain(filler);
  });

  it('streams a JSON and a HAR export of a store at its 256 MiB byte budget, and both parse', async () => {
    const instance = await start(['--max-body', '2mb', '--keep', '100000']);
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    // Fill until retention has started to evict by bytes.
    while (instance.store.captures.count() === sent) {
      await post(instance, chunk);
      sent += 1;
    }
    const status = await json<StatusResponse>(await instance.api('/api/status'));
    expect(status.store.maxBytes).toBe(256 * 1024 * 1024);
    expect(status.store.storedBytes).toBeGreaterThan(250 * 1024 * 1024);
    const kept = status.counts.captures;

    const exported = await instance.api('/api/export?format=json');
    expect(exported.status).toBe(200);
    const parsed = JSON.parse(await exported.text()) as { captures: Array<{ bodyBase64: string }> };
    expect(parsed.captures).toHaveLength(kept);
    expect(Buffer.from(parsed.captures.at(-1)!.bodyBase64, 'base64').equals(chunk)).toBe(true);

    const har = JSON.parse(await (await instance.api('/api/export?format=har')).text()) as { log: { entries: unknown[] } };
    expect(har.log.entries).toHaveLength(kept);
  }, 120_000);
});

describe('import', () => {
  function exportFile(captures: object[], deliveries: object[] = []): string {
    return JSON.stringify({ format: 'miahook-export', version: 1, exportedAt: new Date().toISOString(), captures, deliveries });
  }

  function capture(id: string, seq: number, body: string, verdict = 'valid'): object {
    return {
      id, seq, receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), channel: null, method: 'POST', url: '/callback',
      headers: [['Content-Type', 'application/json']], bodyBase64: Buffer.from(body).toString('base64'), size: Buffer.byteLength(body),
      remoteAddress: '127.0.0.1', sender: '127.0.0.1', summary: { status: 'SUCCESS' }, payment: null,
      verification: { verdict, reason: 'trust me', canonical: null, fields: [], key: null, diagnosis: null },
    };
  }

  function delivery(id: string, seq: number, captureId: string): object {
    return { id, seq, kind: 'replay', captureId, target: 'http://127.0.0.1:9/cb', startedAt: new Date().toISOString(), durationMs: 1,
      request: { method: 'POST', headers: [], bodyBase64: '' }, response: null, error: 'refused' };
  }

  const importFile = (instance: TestInstance, text: string, query = '') => instance.api(`/api/import?source=test.json${query}`, { method: 'POST', body: text });
  const forged = '{"result":{"orderId":"1","amount":1.00,"status":"SUCCESS"},"signature":"AAAA"}';

  it('refuses a file that repeats an id, before storing anything', async () => {
    const instance = await start();
    const answer = await importFile(instance, exportFile([capture('cap_a', 1, '{}'), capture('cap_b', 2, '{}'), capture('cap_a', 3, '{}')]));
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'duplicate_id', message: expect.stringContaining('cap_a') });
    expect(instance.store.captures.count()).toBe(0);
  });

  it('redacts credentials in imported deliveries, as in its own', async () => {
    const instance = await start();
    const withSecret = { ...delivery('dlv_s', 1, 'cap_s') as Record<string, unknown>, request: { method: 'POST', headers: [['Authorization', 'Bearer teammate-secret-token']], bodyBase64: '' } };
    await json(await importFile(instance, exportFile([capture('cap_s', 1, '{}')], [withSecret])));
    const detail = await json<CaptureDetail>(await instance.api('/api/captures/cap_s'));
    expect(detail.deliveries[0]!.request.headers).toEqual([['Authorization', '[redacted]']]);
  });

  it('judges imported bodies again: a verdict written in the file is never trusted', async () => {
    const instance = await start();
    await json(await importFile(instance, exportFile([capture('cap_forged', 1, forged, 'valid')])));
    const detail = await json<CaptureDetail>(await instance.api('/api/captures/cap_forged'));
    expect(detail.verification.verdict).toBe('invalid');
    expect(detail.verification.reason).not.toBe('trust me');
    expect(detail.importedFrom).toBe('test.json');
  });

  it('says when it would evict captures already stored, and needs force', async () => {
    const instance = await start(['--keep', '3']);
    for (let i = 0; i < 2; i++) await post(instance, `{"n":${i}}`);
    const text = exportFile([capture('cap_1', 1, '{}'), capture('cap_2', 2, '{}')]);
    const refused = await importFile(instance, text);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/would evict 1 of the 2 stored.*--force/);
    expect(instance.store.captures.count()).toBe(2);
    const forced = await json<{ imported: number; evicted: number }>(await importFile(instance, text, '&force=1'));
    expect(forced).toMatchObject({ imported: 2, evicted: 1 });
    expect(instance.store.captures.count()).toBe(3);
  });

  it('restores what a cut-short import left out, deliveries included', async () => {
    const instance = await start();
    const captures = [capture('cap_x', 1, '{}'), capture('cap_y', 2, '{}')];
    const deliveries = [delivery('dlv_x', 1, 'cap_x'), delivery('dlv_y', 2, 'cap_y')];
    // As if a crash stopped the first import after cap_x, before any delivery.
    await json(await importFile(instance, exportFile([captures[0]!])));
    const result = await json<{ imported: number; skipped: number; deliveries: number }>(await importFile(instance, exportFile(captures, deliveries)));
    expect(result).toMatchObject({ imported: 1, skipped: 1, deliveries: 2 });
    const detail = await json<CaptureDetail>(await instance.api('/api/captures/cap_x'));
    expect(detail.deliveries.map((item) => item.id)).toEqual(['dlv_x']);
    const again = await json<{ imported: number; deliveries: number }>(await importFile(instance, exportFile(captures, deliveries)));
    expect(again).toMatchObject({ imported: 0, deliveries: 0 });
  });
});

describe('damaged store files', () => {
  it('keeps every record a cut segment still holds, and says so in the status', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-cut-'));
    const first = await start([], dataDir);
    for (let i = 0; i < 50; i++) await post(first, `{"n":${i}}`);
    await first.close();
    instances.splice(instances.indexOf(first), 1);
    const dir = join(dataDir, 'captures');
    const segment = (await readdir(dir)).find((name) => /^\d+\.json$/.test(name))!;
    const path = join(dir, segment);
    const text = await readFile(path);
    const size = (await stat(path)).size;
    // About 10% from the middle. (The records here are alike: such a cut can splice two lines into one that parses,
    // which only the per-line hash catches.)
    const cut = Math.floor(size * 0.1);
    const from = Math.floor(size * 0.45);
    await writeFile(path, Buffer.concat([text.subarray(0, from), text.subarray(from + cut)]));

    const second = await start([], dataDir);
    const status = await json<StatusResponse>(await second.api('/api/status'));
    expect(status.store.recovered).toBeGreaterThanOrEqual(40);
    expect(status.store.lost).toBeGreaterThanOrEqual(1);
    expect(status.store.recovered + status.store.lost).toBeLessThanOrEqual(50);
    expect(status.counts.captures).toBe(status.store.recovered);
    expect(status.store.setAside[0]).toMatch(/\.corrupt-/);
    expect(second.logs.join('\n')).toMatch(/records were read back/);
  });
});
