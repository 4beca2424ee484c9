// The emulator's data dir: the same key, credentials, tokens and payments across restarts; private files; no secret in logs.

import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaymentState } from '../../shared/protocol.ts';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../server/emulator/index.ts';
import { startCallbackSink } from '../helpers/callback-sink.ts';
import { waitFor } from '../helpers/wait-for.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function makeDataDir() {
  const dataDir = await mkdtemp(join(tmpdir(), 'miahook-emu-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  return dataDir;
}

async function start(dataDir: string, options: Partial<EmulatorOptions> = {}) {
  const emulator = await startEmulator({ dataDir, port: 0, autoPay: false, ...options });
  cleanups.push(() => emulator.close());
  return emulator;
}

async function token(emulator: EmulatorHandle, secretKey = emulator.credentials.secretKey) {
  const res = await fetch(`${emulator.url}/ecomm/api/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ merchantId: emulator.credentials.merchantId, secretKey }) });
  return { status: res.status, json: (await res.json()) as { accessToken: string; refreshToken: string } };
}

async function pay(emulator: EmulatorHandle, accessToken: string, extra: Record<string, unknown> = {}) {
  const body = { terminalId: emulator.credentials.terminalId, orderId: 'p-1', amount: 5, currency: 'MDL', payDescription: 'persist', ...extra };
  const res = await fetch(`${emulator.url}/ecomm/api/v1/pay`, { method: 'POST', headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return ((await res.json()) as { paymentId: string; checkoutPage: string });
}

async function readState(emulator: EmulatorHandle, accessToken: string, paymentId: string) {
  const res = await fetch(`${emulator.url}/ecomm/api/v1/payment/${paymentId}`, { headers: { Authorization: `Bearer ${accessToken}` } });
  return { status: res.status, json: (await res.json()) as PaymentState & { errorMessage?: string } };
}

describe('restart', () => {
  it('keeps credentials, public key, issued tokens and payments', async () => {
    const dataDir = await makeDataDir();
    const first = await start(dataDir);
    const { json: tokens } = await token(first);
    const { paymentId } = await pay(first, tokens.accessToken);
    await first.setOutcome(paymentId, 'SUCCESS');
    const before = (await readState(first, tokens.accessToken, paymentId)).json;
    await first.close();
    await first.close();

    const second = await start(dataDir);
    expect(second.credentials).toEqual(first.credentials);
    expect(second.publicKeyBase64).toBe(first.publicKeyBase64);
    const after = await readState(second, tokens.accessToken, paymentId);
    expect(after.status).toBe(200);
    expect({ ...after.json, checkoutPage: undefined }).toEqual({ ...before, checkoutPage: undefined });
    expect(after.json.checkoutPage).toBe(`${second.url}/checkout?paymentId=${paymentId}`);
    const refreshed = await fetch(`${second.url}/ecomm/api/v1/token/refresh`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken: tokens.refreshToken }) });
    expect(refreshed.status).toBe(200);
  });

  it('resumes unfinished payments: an opened page still pays after a restart, with its one callback', async () => {
    const sink = await startCallbackSink();
    cleanups.push(() => sink.close());
    const dataDir = await makeDataDir();
    const first = await start(dataDir, { autoPay: true });
    const { json: tokens } = await token(first);
    const { paymentId, checkoutPage } = await pay(first, tokens.accessToken, { callbackUrl: `${sink.url}/cb` });
    await fetch(checkoutPage);
    await first.close();
    const second = await start(dataDir, { autoPay: true, speed: 200 });
    await waitFor(() => second.getPayment(paymentId)?.status === 'SUCCESS');
    await waitFor(() => sink.requests.length === 1);
    expect(JSON.parse(sink.requests[0]!.body.toString()).result.paymentId).toBe(paymentId);
  });

  it('expires, without a callback, payments whose deadline passed while it was stopped', async () => {
    const sink = await startCallbackSink();
    cleanups.push(() => sink.close());
    const dataDir = await makeDataDir();
    const first = await start(dataDir);
    const { json: tokens } = await token(first);
    const { paymentId } = await pay(first, tokens.accessToken, { callbackUrl: `${sink.url}/cb` });
    await first.close();
    const file = join(dataDir, 'emulator', 'payments.json');
    const stored = JSON.parse(await readFile(file, 'utf8')) as { payments: Array<{ paymentId: string; expiresAt: string }> };
    stored.payments.find((payment) => payment.paymentId === paymentId)!.expiresAt = new Date(Date.now() - 1000).toISOString();
    await writeFile(file, JSON.stringify(stored));
    const logs: string[] = [];
    const changes: PaymentState[] = [];
    const second = await start(dataDir, { log: (line) => logs.push(line), onPaymentChange: (state) => changes.push(state) });
    expect(second.getPayment(paymentId)?.status).toBe('EXPIRED');
    expect(changes.map((state) => [state.paymentId, state.status])).toEqual([[paymentId, 'EXPIRED']]);
    expect(logs.some((line) => line.includes('expired while the emulator was stopped'))).toBe(true);
    const marker = await pay(second, (await token(second)).json.accessToken, { callbackUrl: `${sink.url}/marker` });
    await second.setOutcome(marker.paymentId, 'SUCCESS');
    await waitFor(() => sink.requests.length > 0);
    expect(sink.requests.map((request) => request.url)).toEqual(['/marker']);
  });

  it.each([
    ['a status the lifecycle does not know', (payment: Record<string, unknown>) => ({ ...payment, status: 'REFUNDED' })],
    ['a null entry', () => null],
  ])('sets payments.json aside when it holds %s, with a warning, and starts with no payments', async (_name, damage) => {
    const dataDir = await makeDataDir();
    const first = await start(dataDir);
    const { json: tokens } = await token(first);
    const { paymentId } = await pay(first, tokens.accessToken);
    await first.close();
    const file = join(dataDir, 'emulator', 'payments.json');
    const stored = JSON.parse(await readFile(file, 'utf8')) as { payments: Array<Record<string, unknown> | null> };
    stored.payments = [damage(stored.payments[0]!)];
    const damaged = JSON.stringify(stored);
    await writeFile(file, damaged);

    const logs: string[] = [];
    const second = await start(dataDir, { log: (line) => logs.push(line) });
    expect(logs.find((line) => line.startsWith('warning:'))).toMatch(/payments\.json could not be read: it holds a payment the emulator's lifecycle does not know .*moved to .*payments\.json\.corrupt-/);
    expect(second.getPayment(paymentId)).toBeUndefined();
    const aside = (await readdir(join(dataDir, 'emulator'))).filter((name) => name.startsWith('payments.json.corrupt-'));
    expect(await readFile(join(dataDir, 'emulator', aside[0]!), 'utf8')).toBe(damaged);
  });

  it('keeps only the newest payments on disk when the bound is reached', async () => {
    const dataDir = await makeDataDir();
    const emulator = await start(dataDir, { maxPayments: 3 });
    const { json: tokens } = await token(emulator);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await pay(emulator, tokens.accessToken, { orderId: `o-${i}` })).paymentId);
    const stored = JSON.parse(await readFile(join(dataDir, 'emulator', 'payments.json'), 'utf8')) as { payments: Array<{ paymentId: string }> };
    expect(stored.payments.map((payment) => payment.paymentId)).toEqual(ids.slice(2));
    expect((await readState(emulator, tokens.accessToken, ids[0]!)).status).toBe(400);
  });

  it('refuses a second emulator on the same data dir while the first runs', async () => {
    const dataDir = await makeDataDir();
    await start(dataDir);
    await expect(startEmulator({ dataDir, port: 0 })).rejects.toThrow(/Another miahook \(pid \d+\) is using/);
  });
});

describe('secrets on disk and in logs', () => {
  it('keeps the key, token secret and credentials in files of mode 0600 under a 0700 folder; the key is PKCS#8', async () => {
    const dataDir = await makeDataDir();
    const emulator = await start(dataDir);
    const folder = join(dataDir, 'emulator');
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    for (const name of ['credentials.json', 'signing-key.pem', 'token-secret']) {
      expect((await stat(join(folder, name))).mode & 0o777, name).toBe(0o600);
    }
    const credentials = JSON.parse(await readFile(join(folder, 'credentials.json'), 'utf8')) as Record<string, string>;
    expect(credentials).toEqual(emulator.credentials);
    expect(Object.keys(credentials)).toEqual(['merchantId', 'secretKey', 'terminalId', 'rtpTerminalId']);
    expect(await readFile(join(folder, 'signing-key.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await readFile(join(folder, 'payments.json'), 'utf8').catch(() => '')).not.toContain(emulator.credentials.secretKey);
  });

  it('never logs the secretKey or a token, through a whole flow including mistakes', async () => {
    const sink = await startCallbackSink();
    cleanups.push(() => sink.close());
    const dataDir = await makeDataDir();
    const logs: string[] = [];
    const emulator = await start(dataDir, { log: (line) => logs.push(line), speed: 100, autoPay: true });
    const { secretKey } = emulator.credentials;
    expect((await token(emulator, `${secretKey}x`)).status).toBe(401);
    const { json: tokens } = await token(emulator);
    await fetch(`${emulator.url}/ecomm/api/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ secretKey }) });
    const broken = await fetch(`${emulator.url}/ecomm/api/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `{"secretKey":x${secretKey}}` });
    expect(await broken.text()).not.toContain(secretKey.slice(0, 8));
    await fetch(`${emulator.url}/ecomm/api/v1/token/refresh`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken: tokens.refreshToken }) });
    await fetch(`${emulator.url}/ecomm/api/v1/token/refresh`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken: 42 }) });
    await fetch(`${emulator.url}/ecomm/api/v1/public-key`, { headers: { Authorization: `Bearer ${tokens.refreshToken}` } });
    await pay(emulator, tokens.accessToken, { amount: 0 });
    const { paymentId, checkoutPage } = await pay(emulator, tokens.accessToken, { callbackUrl: `${sink.url}/cb` });
    await fetch(checkoutPage);
    await waitFor(() => sink.requests.length === 1);
    await waitFor(() => logs.some((line) => line.startsWith(`callback ${paymentId}`)));
    expect(logs.length).toBeGreaterThan(5);
    for (const line of logs) {
      expect(line).not.toContain(secretKey.slice(0, 8));
      expect(line).not.toContain(tokens.accessToken);
      expect(line).not.toContain(tokens.refreshToken);
      expect(line).not.toContain('PRIVATE KEY');
    }
  });
});
