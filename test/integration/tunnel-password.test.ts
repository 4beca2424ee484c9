// The public localtunnel server's reminder page, played by the test relay: the tunnel password reaches status, the
// share answer and the start banner; callbacks and the probe pass the page; a self-hosted relay shows no password.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureListResponse, ShareResponse, StatusResponse } from '../../shared/api.ts';
import type { PaymentRecord } from '../../shared/records.ts';
import { startRelay, type Relay } from '../helpers/lt-relay.ts';
import { spawnMiahook } from '../helpers/spawn-miahook.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PASSWORD = '203.0.113.77';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const TUNNEL_TIMINGS = { openTimeoutMs: 3000, probeIntervalMs: 200, probeTimeoutMs: 1000, backoff: { initialMs: 50, maxMs: 300 } };

async function json<T>(response: Promise<Response>, status = 200): Promise<T> {
  const answer = await response;
  const text = await answer.text();
  expect(answer.status, text).toBe(status);
  return JSON.parse(text) as T;
}

describe('the public server\'s reminder page (tunnel password)', () => {
  let relay: Relay;
  let app: TestInstance;
  beforeAll(async () => {
    relay = await startRelay({ reminder: { password: PASSWORD } });
    app = await startTestInstance({ args: ['--tunnel', '--tunnel-host', relay.controlUrl], tunnelTimings: TUNNEL_TIMINGS });
    await waitFor(() => app.tunnelState().state === 'online', { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await app?.close();
    await relay?.close();
  });

  it('reads the password from <tunnel host>/mytunnelpassword into the status and the share answer', async () => {
    const status = await waitFor(async () => {
      const current = await json<StatusResponse>(app.api('/api/status'));
      return current.tunnelPassword ? current : undefined;
    });
    expect(status.tunnelPassword).toBe(PASSWORD);
    expect(app.tunnelPassword()).toBe(PASSWORD);
    const link = await json<ShareResponse>(app.api('/api/share', { method: 'POST', body: '{}' }), 201);
    expect(link.tunnelPassword).toBe(PASSWORD);
    // A teammate's view does not carry the owner's address.
    const shared = await json<StatusResponse>(fetch(`${link.url}api/status`, { headers: { 'bypass-tunnel-reminder': '1' } }));
    expect(shared.tunnelPassword).toBeNull();
  });

  it('stops a browser at the reminder page, lets the bypass header through, and callbacks pass', async () => {
    const link = await json<ShareResponse>(app.api('/api/share', { method: 'POST', body: '{}' }), 201);
    const page = await fetch(`${link.url}api/status`, { headers: { 'user-agent': BROWSER } });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('tunnel password');
    const through = await fetch(`${link.url}api/status`, { headers: { 'user-agent': BROWSER, 'bypass-tunnel-reminder': '1' } });
    expect(through.status).toBe(200);

    const stopped = relay.reminded;
    const payment = await json<PaymentRecord>(app.api('/api/payments', { method: 'POST', body: '{"amount":42.5}' }), 201);
    expect(payment.callbackUrl).toBe(`${relay.publicUrl()}/callback`);
    await app.api(`/api/payments/${payment.paymentId}/simulate`, { method: 'POST', body: '{"status":"SUCCESS"}' });
    const item = await waitFor(async () => (await json<CaptureListResponse>(app.api(`/api/captures?q=${payment.paymentId}`))).items[0], { timeoutMs: 10_000 });
    expect(item.summary.status).toBe('SUCCESS');
    expect(item.verification.verdict).toBe('valid');
    expect(relay.reminded).toBe(stopped);
  });

  it('prints the password under the public URL in the start banner', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'miahook-banner-'));
    const cli = await spawnMiahook(dataDir, ['--tunnel', '--tunnel-host', relay.controlUrl]);
    try {
      const banner = await waitFor(() => /Tunnel password\s+\S+/.exec(cli.output.stdout) && cli.output.stdout, { timeoutMs: 15_000 });
      const publicLine = banner.split('\n').findIndex((line) => line.includes('Public URL'));
      const passwordLine = banner.split('\n').findIndex((line) => line.includes('Tunnel password'));
      expect(publicLine).toBeGreaterThan(-1);
      expect(passwordLine).toBe(publicLine + 1);
      expect(banner.split('\n')[passwordLine]).toContain(PASSWORD);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });
});

describe('a tunnel server that never answers /mytunnelpassword', () => {
  it('gives up after the short timeout: no password, and the share answer is not held up', async () => {
    const relay = await startRelay({ reminder: { password: PASSWORD, passwordHangs: true } });
    const app = await startTestInstance({ args: ['--tunnel', '--tunnel-host', relay.controlUrl], tunnelTimings: { ...TUNNEL_TIMINGS, passwordTimeoutMs: 300 } });
    try {
      await waitFor(() => app.tunnelState().state === 'online', { timeoutMs: 10_000 });
      const started = Date.now();
      const link = await json<ShareResponse>(app.api('/api/share', { method: 'POST', body: '{}' }), 201);
      expect(link.tunnelPassword).toBeNull();
      expect(Date.now() - started).toBeLessThan(2_500); // the 300 ms timeout, not the 3 s default
      expect(app.tunnelPassword()).toBeNull();
    } finally {
      await app.close();
      await relay.close();
    }
  });
});

describe('a self-hosted tunnel server (no reminder page)', () => {
  it('shows no password: /mytunnelpassword is 404 there', async () => {
    const relay = await startRelay();
    const app = await startTestInstance({ args: ['--tunnel', '--tunnel-host', relay.controlUrl], tunnelTimings: TUNNEL_TIMINGS });
    try {
      await waitFor(() => app.tunnelState().state === 'online', { timeoutMs: 10_000 });
      const link = await json<ShareResponse>(app.api('/api/share', { method: 'POST', body: '{}' }), 201);
      expect(link.tunnelPassword).toBeNull();
      expect((await json<StatusResponse>(app.api('/api/status'))).tunnelPassword).toBeNull();
      expect((await fetch(`${relay.controlUrl}/mytunnelpassword`)).status).toBe(404);
      expect((await fetch(`${link.url}api/status`, { headers: { 'user-agent': BROWSER } })).status).toBe(200);
    } finally {
      await app.close();
      await relay.close();
    }
  });
});
