import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureDetail, CaptureListResponse, ShareResponse, StatusResponse } from '../../shared/api.ts';
import type { PaymentRecord } from '../../shared/records.ts';
import { startEmulator, type EmulatorHandle } from '../../server/emulator/index.ts';
import { startRelay, type Relay } from '../helpers/lt-relay.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { connectStream, isType, type StreamClient } from '../helpers/ws-client.ts';
import { waitFor } from '../helpers/wait-for.ts';

// The "remote" miaPOS sandbox: a second emulator with its own key, reached only through its base URL.
let remoteDir: string;
let remote: EmulatorHandle;
let remotePort: number;
let relay: Relay;
let app: TestInstance;
let stream: StreamClient;

const TUNNEL_TIMINGS = { openTimeoutMs: 2000, probeIntervalMs: 200, probeTimeoutMs: 1000, backoff: { initialMs: 50, maxMs: 300 } };

async function startRemote(port = 0): Promise<EmulatorHandle> {
  return startEmulator({ dataDir: remoteDir, port, speed: 50, accessTokenSeconds: 40 });
}

async function json<T>(response: Promise<Response>, status = 200): Promise<T> {
  const answer = await response;
  const text = await answer.text();
  expect(answer.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function payAndSucceed(): Promise<{ payment: PaymentRecord; capture: CaptureDetail }> {
  const payment = await json<PaymentRecord>(app.api('/api/payments', { method: 'POST', body: '{"amount":20.5}' }), 201);
  await remote.setOutcome(payment.paymentId, 'SUCCESS');
  const item = await waitFor(async () => (await json<CaptureListResponse>(app.api(`/api/captures?q=${payment.paymentId}`))).items[0], { timeoutMs: 10_000 });
  return { payment, capture: await json<CaptureDetail>(app.api(`/api/captures/${item.id}`)) };
}

beforeAll(async () => {
  remoteDir = await mkdtemp(join(tmpdir(), 'miahook-remote-'));
  remote = await startRemote();
  remotePort = remote.port;
  relay = await startRelay();
  app = await startTestInstance({
    args: ['--sandbox', '--tunnel-host', relay.controlUrl],
    env: { MIAPOS_BASE_URL: remote.url, MIAPOS_MERCHANT_ID: remote.credentials.merchantId, MIAPOS_SECRET_KEY: remote.credentials.secretKey, MIAPOS_TERMINAL_ID: remote.credentials.terminalId },
    tunnelTimings: TUNNEL_TIMINGS,
    keyRefetchIntervalMs: 0,
  });
  stream = await connectStream(app.inspectorUrl, app.token);
  await waitFor(() => app.tunnelState().state === 'online', { timeoutMs: 10_000 });
});
afterAll(async () => {
  await stream?.close();
  await app?.close();
  await relay?.close();
  await remote?.close();
});

describe('sandbox mode through a tunnel', () => {
  it('registers with the remote service, gets its callback through the relay, and verifies it with the fetched key', async () => {
    const status = await json<StatusResponse>(app.api('/api/status'));
    expect(status.mode).toBe('sandbox');
    expect(status.urls.public).toBe(relay.publicUrl());
    expect(status.urls.callback).toBe(`${relay.publicUrl()}/callback`);
    expect(status.backend.keyLabel).toBe(`sandbox ${remote.url}`);
    const runtime = await waitFor(async () => {
      const info = JSON.parse(await readFile(join(app.config.dataDir, 'runtime.json'), 'utf8')) as { publicUrl: string; callbackUrl: string };
      return info.publicUrl === relay.publicUrl() ? info : undefined;
    });
    expect(runtime.callbackUrl).toBe(`${relay.publicUrl()}/callback`);

    const { payment, capture } = await payAndSucceed();
    expect(payment.callbackUrl).toBe(`${relay.publicUrl()}/callback`);
    expect(payment.backend).toBe('sandbox');
    expect(capture.verification.verdict).toBe('valid');
    expect(capture.verification.key?.label).toBe(`sandbox ${remote.url}`);
    expect(capture.sender).toBe('127.0.0.1');
    const confirmed = await json<PaymentRecord>(app.api(`/api/payments/${payment.paymentId}`));
    expect(confirmed.status).toBe('SUCCESS');
    expect(confirmed.timeline.map((entry) => entry.source)).toEqual(expect.arrayContaining(['registered', 'callback', 'poll']));
  });

  it('calls an emulator-signed callback invalid and names the other environment key', async () => {
    const result = { terminalId: 'T', orderId: '1', paymentId: 'x', status: 'SUCCESS', amount: 1, currency: 'MDL' };
    const { buildSignString } = await import('../../shared/sign-string.ts');
    const body = JSON.stringify({ result, signature: app.emulator.signText(buildSignString(result)) });
    const answer = (await (await fetch(`${relay.publicUrl()}/callback/bob`, { method: 'POST', body })).json()) as { id: string };
    const capture = await json<CaptureDetail>(app.api(`/api/captures/${answer.id}`));
    expect(capture.channel).toBe('bob');
    expect(capture.verification.verdict).toBe('invalid');
    expect(capture.verification.diagnosis?.cause).toBe('other-key');
  });

  it('handles a key rotation on the remote side with one refetch', async () => {
    const before = (await json<StatusResponse>(app.api('/api/status'))).backend.keyFingerprint;
    await remote.close();
    await rm(join(remoteDir, 'emulator', 'signing-key.pem'));
    remote = await startRemote(remotePort);
    const { capture } = await payAndSucceed();
    expect(capture.verification.verdict).toBe('valid');
    const after = (await json<StatusResponse>(app.api('/api/status'))).backend.keyFingerprint;
    expect(after).not.toBe(before);
    expect(app.logs.join('\n')).toMatch(/public key changed/);
  });

  it('reconnects on its own when the relay restarts, reports the URL change and still captures', async () => {
    const oldUrl = relay.publicUrl()!;
    const pending = await json<PaymentRecord>(app.api('/api/payments', { method: 'POST', body: '{"amount":3}' }), 201);
    const controlPort = Number(new URL(relay.controlUrl).port);
    await relay.close();
    await waitFor(() => app.tunnelState().state === 'reconnecting', { timeoutMs: 10_000 });
    relay = await startRelay({ port: controlPort });
    await waitFor(() => app.tunnelState().state === 'online' && relay.publicUrl() !== null, { timeoutMs: 15_000 });
    const notice = await stream.next((message): message is Extract<typeof message, { type: 'notice' }> => message.type === 'notice' && /public URL changed/.test(message.message), 15_000);
    expect(notice.message).toContain(oldUrl);
    expect(notice.message).toContain(pending.paymentId);
    // Said once in the log, with the stranded payment (the tunnel module no longer logs its own copy).
    const warnings = app.logs.filter((line) => /url changed/i.test(line));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`The public URL changed from ${oldUrl} to ${relay.publicUrl()}`);
    expect(warnings[0]).toContain(pending.paymentId);
    expect(relay.publicUrl()).not.toBe(oldUrl);
    const answer = await fetch(`${relay.publicUrl()}/callback`, { method: 'POST', body: '{"after":"reconnect"}' });
    expect(answer.status).toBe(200);
    const polled = await json<{ items: PaymentRecord[] }>(app.api('/api/payments/poll-open', { method: 'POST', body: '{}' }));
    expect(polled.items.map((item) => item.paymentId)).toContain(pending.paymentId);
  });
});

describe('share links', () => {
  async function share(ttlSeconds?: number): Promise<ShareResponse> {
    return json<ShareResponse>(app.api('/api/share', { method: 'POST', body: JSON.stringify(ttlSeconds === undefined ? {} : { ttlSeconds }) }), 201);
  }

  it('gives a read-only view on the public URL: captures readable, every write 403', async () => {
    const link = await share();
    expect(link.url.startsWith(`${relay.publicUrl()}/share/`)).toBe(true);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(7100_000);
    const page = await fetch(link.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    const status = await json<StatusResponse>(fetch(`${link.url}api/status`));
    expect(status).toMatchObject({ readOnly: true, urls: { inspector: null, emulator: null } });
    const list = await json<CaptureListResponse>(fetch(`${link.url}api/captures`));
    expect(list.items.length).toBeGreaterThan(0);
    const detail = await json<CaptureDetail>(fetch(`${link.url}api/captures/${list.items[0]!.id}`));
    expect(detail.deliveries).toEqual([]);
    // The owner sees which registered payment a capture matches; a teammate does not.
    const own = await json<CaptureListResponse>(app.api('/api/captures'));
    expect(own.items.some((item) => item.payment !== null)).toBe(true);
    expect(list.items.every((item) => item.payment === null)).toBe(true);
    for (const [method, path] of [['POST', `api/captures/${list.items[0]!.id}/replay`], ['DELETE', `api/captures/${list.items[0]!.id}`], ['DELETE', 'api/captures'], ['GET', 'api/payments'], ['POST', 'api/payments'], ['POST', 'api/share'], ['POST', 'api/forwarding'], ['GET', 'api/emulator']] as const) {
      const response = await fetch(`${link.url}${path}`, { method, body: method === 'POST' ? '{}' : undefined, headers: { 'content-type': 'application/json' } });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
  });

  it('streams captures to a share link over its WebSocket through the tunnel, and nothing private', async () => {
    const link = await share();
    const WebSocket = (await import('ws')).default;
    const ws = new WebSocket(`${link.url.replace(/^http/, 'ws')}ws`, { headers: { origin: relay.publicUrl()! } });
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(data.toString()));
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    await fetch(`${relay.publicUrl()}/callback/carol`, { method: 'POST', body: '{"for":"teammates"}' });
    await app.api('/api/payments', { method: 'POST', body: '{"amount":9}' });
    await waitFor(() => frames.some((frame) => frame.includes('"channel":"carol"')));
    expect(JSON.parse(frames[0]!)).toMatchObject({ type: 'hello', readOnly: true });
    expect(frames.some((frame) => /"type":"(payment|delivery)"/.test(frame))).toBe(false);
    ws.close();
    const foreign = new WebSocket(`${link.url.replace(/^http/, 'ws')}ws`, { headers: { origin: 'http://evil.example' } });
    const refused = await new Promise<number>((resolve) => {
      foreign.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      foreign.on('open', () => resolve(101));
    });
    expect(refused).toBe(403);
  });

  it('refuses tampered and revoked tokens, and nothing but /callback and /share is reachable through the relay', async () => {
    const link = await share();
    const token = link.url.split('/share/')[1]!.replace(/\/$/, '');
    const [head, body, signature] = token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...payload, exp: (payload.exp as number) + 86400 })).toString('base64url')}.${signature}`;
    expect((await fetch(`${relay.publicUrl()}/share/${forged}/api/captures`)).status).toBe(403);
    expect((await fetch(`${relay.publicUrl()}/share/not-a-token/api/captures`)).status).toBe(403);
    const bad = await json<{ error: { code: string } }>(app.api('/api/share', { method: 'POST', body: '{"ttlSeconds":5}' }), 400);
    expect(bad.error.code).toBe('bad_ttl');
    const WebSocket = (await import('ws')).default;
    const live = new WebSocket(`${link.url.replace(/^http/, 'ws')}ws`);
    const closed = new Promise<number>((resolve) => live.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => {
      live.on('open', resolve);
      live.on('error', reject);
    });
    expect((await json<{ revoked: boolean }>(app.api('/api/share', { method: 'DELETE' }))).revoked).toBe(true);
    expect(await closed).toBe(4001);
    expect((await fetch(`${link.url}api/captures`)).status).toBe(403);
    for (const path of ['/api/status', '/', '/index.html', '/ecomm/api/v1/token', '/checkout', '/_emulator/faults']) {
      const response = await fetch(`${relay.publicUrl()}${path}`, { headers: { authorization: `Bearer ${app.token}` } });
      expect(response.status, path).toBe(404);
    }
  });

  it('keeps the sandbox secret and tokens out of logs, stored files, API answers and WS frames', async () => {
    const secret = remote.credentials.secretKey;
    const answers = await Promise.all(['/api/status', '/api/payments', '/api/captures', '/api/emulator'].map(async (path) => (await app.api(path)).text()));
    for (const text of [...answers, ...stream.frames, app.logs.join('\n')]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(app.token);
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/);
    }
    const entries = await readdir(app.config.dataDir, { withFileTypes: true, recursive: true });
    for (const entry of entries.filter((item) => item.isFile())) {
      const name = relative(app.config.dataDir, join(entry.parentPath, entry.name));
      if (name === 'runtime.json' || name.startsWith('emulator')) continue;
      // A journal the store's checkpoint deleted since readdir holds nothing on disk any more.
      const content = await readFile(join(entry.parentPath, entry.name), 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
      expect(content, name).not.toContain(secret);
      expect(content, name).not.toContain(app.token);
    }
  });
});

describe('a tunnel server that never answers', () => {
  it('does not hang start-up, and says it is still trying', async () => {
    const silent = await startRelay({ neverAnswer: true });
    const started = Date.now();
    const instance = await startTestInstance({ args: ['--tunnel', '--tunnel-host', silent.controlUrl], tunnelTimings: { ...TUNNEL_TIMINGS, openTimeoutMs: 300 } });
    try {
      expect(Date.now() - started).toBeLessThan(5000);
      await waitFor(() => instance.tunnelState().state === 'reconnecting', { timeoutMs: 5000 });
      const status = await json<StatusResponse>(instance.api('/api/status'));
      expect(status.tunnel.state).toMatch(/connecting|reconnecting/);
      expect(status.urls.callback).toBe(`${instance.ingressUrl}/callback`);
    } finally {
      await instance.close();
      await silent.close();
    }
  });
});
