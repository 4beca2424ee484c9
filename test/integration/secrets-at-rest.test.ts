// Secrets at rest after a real run: stored deliveries and exports carry no credential header values and no known
// secret; every file under the data dir is 0600 and every folder 0700.

import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery, PaymentRecord } from '../../shared/records.ts';
import { startMerchantApp, type MerchantApp } from '../helpers/merchant-app.ts';
import { spawnMiahook, type SpawnedMiahook } from '../helpers/spawn-miahook.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** The only files meant to hold secrets (runtime.json: token and emulator credentials; the emulator's key material). */
const SECRET_HOMES = new Set(['runtime.json', join('emulator', 'credentials.json'), join('emulator', 'signing-key.pem'), join('emulator', 'token-secret')]);
const COOKIE = 'sid=cookie-value-0123456789';
const PROXY_AUTH = 'Basic cHJveHk6cGFzc3dvcmQ=';

let merchant: MerchantApp;
let app: SpawnedMiahook;
let dataDir: string;
let token: string;
let secret: string;
const exports: string[] = [];
let replayed: Delivery;

beforeAll(async () => {
  merchant = await startMerchantApp({ status: 200, body: 'ok', headers: [['Set-Cookie', COOKIE]] });
  dataDir = join(await mkdtemp(join(tmpdir(), 'miahook-at-rest-')), 'data');
  app = await spawnMiahook(dataDir, ['--emulator-speed', '50', '--forward-to', `${merchant.url}/cb`]);
  token = app.runtime.token!;
  secret = app.runtime.emulator!.secretKey;
  const api = (path: string, init: RequestInit = {}) => fetch(`${app.runtime.inspectorUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
  try {
    const payment = (await (await api('/api/payments', { method: 'POST', body: '{"amount":4.2}' })).json()) as PaymentRecord;
    await api(`/api/payments/${payment.paymentId}/simulate`, { method: 'POST', body: '{"status":"SUCCESS"}' });
    const captureId = await waitFor(async () => ((await (await api(`/api/captures?q=${payment.paymentId}`)).json()) as { items: Array<{ id: string }> }).items[0]?.id);
    const headers = [['Content-Type', 'application/json'], ['Authorization', `Bearer ${token}`], ['Cookie', COOKIE], ['Proxy-Authorization', PROXY_AUTH], ['X-Merchant-Secret', secret]];
    const answer = await api(`/api/captures/${captureId}/replay`, { method: 'POST', body: JSON.stringify({ target: `${merchant.url}/cb?key=${token}`, headers }) });
    expect(answer.status).toBe(200);
    replayed = (await answer.json()) as Delivery;
    for (const format of ['json', 'har']) exports.push(await (await api(`/api/export?format=${format}`)).text());
  } finally {
    expect(await app.stop()).toBe(0);
  }
});
afterAll(async () => {
  await merchant.close();
});

async function walk(dir: string): Promise<Array<{ path: string; dir: boolean }>> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.map((entry) => ({ path: join(entry.parentPath, entry.name), dir: entry.isDirectory() }));
}

describe('secrets at rest', () => {
  it('sends the replay headers as given, but stores and answers them redacted', () => {
    const sent = merchant.requests.find((request) => request.url.startsWith('/cb?key='))!;
    expect(sent.headers).toContainEqual(['Authorization', `Bearer ${token}`]);
    expect(sent.headers).toContainEqual(['Cookie', COOKIE]);
    expect(replayed.request.headers).toContainEqual(['Authorization', '[redacted]']);
    expect(replayed.request.headers).toContainEqual(['Cookie', '[redacted]']);
    expect(replayed.request.headers).toContainEqual(['X-Merchant-Secret', '[redacted]']);
    expect(replayed.target).toBe(`${merchant.url}/cb?key=[redacted]`);
    expect(replayed.response?.headers).toContainEqual(['Set-Cookie', '[redacted]']);
  });

  it('keeps the token, the secretKey and credential values out of exports and every stored file', async () => {
    const files = (await walk(dataDir)).filter((entry) => !entry.dir);
    expect(files.length).toBeGreaterThan(3);
    const texts = [...exports];
    for (const file of files) if (!SECRET_HOMES.has(relative(dataDir, file.path))) texts.push(await readFile(file.path, 'latin1'));
    for (const text of texts) {
      for (const value of [token, secret, COOKIE, PROXY_AUTH]) expect(text).not.toContain(value);
    }
  });

  it('leaves every file 0600 and every folder 0700', async () => {
    const entries = await walk(dataDir);
    const modes = await Promise.all(entries.map(async (entry) => `${relative(dataDir, entry.path)} ${((await stat(entry.path)).mode & 0o777).toString(8)}`));
    const wrong = modes.filter((line, i) => !line.endsWith(entries[i]!.dir ? ' 700' : ' 600'));
    expect(wrong).toEqual([]);
    expect(((await stat(dataDir)).mode & 0o777).toString(8)).toBe('700');
    expect(modes.some((line) => line.startsWith(join('emulator', 'payments.json')))).toBe(true);
  });
});
