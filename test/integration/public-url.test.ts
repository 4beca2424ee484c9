// Bring your own tunnel: --public-url through a real reverse proxy. Payments carry <url>/callback, the callback comes
// back through the proxy and is captured, share links use the URL, and the status follows the proxy going down and up.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureListResponse, ShareResponse, StatusResponse } from '../../shared/api.ts';
import type { PaymentRecord } from '../../shared/records.ts';
import { startEmulator, type EmulatorHandle } from '../../server/emulator/index.ts';
import { startReverseProxy, type ReverseProxy } from '../helpers/reverse-proxy.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { waitFor } from '../helpers/wait-for.ts';

let remote: EmulatorHandle;
let proxy: ReverseProxy;
let app: TestInstance;

async function json<T>(response: Promise<Response>, status = 200): Promise<T> {
  const answer = await response;
  const text = await answer.text();
  expect(answer.status, text).toBe(status);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  // The "real" miaPOS sandbox: a second emulator reached through its base URL, calling back over HTTP.
  remote = await startEmulator({ dataDir: await mkdtemp(join(tmpdir(), 'miahook-remote-')), port: 0, speed: 50, accessTokenSeconds: 40 });
  proxy = await startReverseProxy();
  app = await startTestInstance({
    args: ['--sandbox', '--public-url', `${proxy.url}/`],
    env: { MIAPOS_BASE_URL: remote.url, MIAPOS_MERCHANT_ID: remote.credentials.merchantId, MIAPOS_SECRET_KEY: remote.credentials.secretKey, MIAPOS_TERMINAL_ID: remote.credentials.terminalId },
    tunnelTimings: { probeIntervalMs: 100, probeTimeoutMs: 1000 },
    keyRefetchIntervalMs: 0,
  });
  proxy.setTarget(app.ingressUrl);
});
afterAll(async () => {
  await app?.close();
  await proxy?.close();
  await remote?.close();
});

describe('--public-url (your own tunnel)', () => {
  it('opens no localtunnel and reports the public URL online once it leads to the ingress', async () => {
    await waitFor(() => app.tunnelState().state === 'online', { timeoutMs: 10_000 });
    const status = await json<StatusResponse>(app.api('/api/status'));
    expect(status.mode).toBe('sandbox');
    expect(status.urls.public).toBe(proxy.url);
    expect(status.urls.callback).toBe(`${proxy.url}/callback`);
    expect(status.tunnel).toEqual({ state: 'online', publicUrl: proxy.url });
    expect(status.tunnelPassword).toBeNull();
  });

  it('registers payments with <url>/callback; the callback arrives through the proxy and is captured', async () => {
    const before = proxy.forwarded;
    const payment = await json<PaymentRecord>(app.api('/api/payments', { method: 'POST', body: '{"amount":17.25}' }), 201);
    expect(payment.callbackUrl).toBe(`${proxy.url}/callback`);
    await remote.setOutcome(payment.paymentId, 'SUCCESS');
    const item = await waitFor(async () => (await json<CaptureListResponse>(app.api(`/api/captures?q=${payment.paymentId}`))).items[0], { timeoutMs: 10_000 });
    expect(item.summary.status).toBe('SUCCESS');
    expect(item.verification.verdict).toBe('valid');
    expect(item.url).toBe('/callback');
    expect(proxy.forwarded).toBeGreaterThan(before);
  });

  it('makes share links on the public URL, readable through the proxy', async () => {
    const link = await json<ShareResponse>(app.api('/api/share', { method: 'POST', body: '{}' }), 201);
    expect(link.url.startsWith(`${proxy.url}/share/`)).toBe(true);
    const shared = await json<CaptureListResponse>(fetch(`${link.url}api/captures`));
    expect(shared.total).toBeGreaterThan(0);
  });

  it('turns offline when the proxy stops and online when it is back, on the same URL', async () => {
    await proxy.stop();
    await waitFor(() => app.tunnelState().state === 'offline', { timeoutMs: 10_000 });
    const down = await json<StatusResponse>(app.api('/api/status'));
    expect(down.tunnel).toMatchObject({ state: 'offline', publicUrl: proxy.url });
    expect(down.urls.callback).toBe(`${proxy.url}/callback`);
    await proxy.start();
    await waitFor(() => app.tunnelState().state === 'online', { timeoutMs: 10_000 });
    expect((await json<StatusResponse>(app.api('/api/status'))).tunnel).toEqual({ state: 'online', publicUrl: proxy.url });
    expect(app.logs.join('\n')).toMatch(/public URL offline/);
  });

  it('is refused together with --tunnel (exit 2, with what to do)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-both-'));
    const result = await runCli(['--public-url', 'https://abc.example', '--tunnel', '--data-dir', dataDir, '--port', '0', '--ingress-port', '0', '--emulator-port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--public-url and --tunnel .* cannot be used together/);
  });
});
