import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../shared/records.ts';
import type { PaymentRecord } from '../../shared/records.ts';
import { startMerchantApp, type MerchantApp } from '../helpers/merchant-app.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { connectStream, isType } from '../helpers/ws-client.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { runCli } from '../helpers/run-cli.ts';

let app: TestInstance;
let merchant: MerchantApp;

beforeAll(async () => {
  merchant = await startMerchantApp({ status: 200, body: 'ok' });
  app = await startTestInstance({ args: ['--forward-to', `${merchant.url}/miapos/callback`] });
});
afterAll(async () => {
  await app.close();
  await merchant.close();
});

async function capture(body: string | Buffer, contentType = 'application/json'): Promise<string> {
  const response = await fetch(app.callbackUrl, { method: 'POST', body, headers: { 'content-type': contentType, 'x-trace': 'abc' } });
  return ((await response.json()) as { id: string }).id;
}

async function replay(id: string, request: object): Promise<{ status: number; delivery: Delivery & { error: string | null }; raw: unknown }> {
  const response = await app.api(`/api/captures/${id}/replay`, { method: 'POST', body: JSON.stringify(request) });
  const raw = await response.json();
  return { status: response.status, delivery: raw as Delivery, raw };
}

async function signedCapture(): Promise<{ id: string; payment: PaymentRecord }> {
  const payment = (await (await app.api('/api/payments', { method: 'POST', body: '{"amount":1775}' })).json()) as PaymentRecord;
  await app.api(`/api/payments/${payment.paymentId}/simulate`, { method: 'POST', body: '{"status":"SUCCESS"}' });
  const list = await waitFor(async () => {
    const page = (await (await app.api(`/api/captures?q=${payment.paymentId}`)).json()) as { items: Array<{ id: string }> };
    return page.items[0];
  });
  return { id: list.id, payment };
}

describe('live forwarding', () => {
  it('forwards every capture once, with the same bytes, and records the app answer as a delivery', async () => {
    const before = merchant.requests.length;
    const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d, 0xff]);
    const stream = await connectStream(app.inspectorUrl, app.token);
    const id = await capture(body, 'application/octet-stream');
    const event = await stream.next((message): message is Extract<typeof message, { type: 'delivery' }> => message.type === 'delivery' && message.delivery.captureId === id);
    expect(event.delivery).toMatchObject({ kind: 'forward', target: `${merchant.url}/miapos/callback`, response: { status: 200 } });
    await waitFor(() => merchant.requests.length === before + 1);
    const received = merchant.requests.at(-1)!;
    expect(received.body.equals(body)).toBe(true);
    expect(received.url).toBe('/miapos/callback');
    expect(received.headers).toContainEqual(['x-trace', 'abc']);
    expect(received.headers).toContainEqual(['content-type', 'application/octet-stream']);
    const detail = (await (await app.api(`/api/captures/${id}`)).json()) as { deliveries: Delivery[] };
    expect(detail.deliveries.map((delivery) => delivery.kind)).toEqual(['forward']);
    await stream.close();
  });
});

describe('replay API', () => {
  it('replays the stored bytes to the configured app by default', async () => {
    const id = await capture('{"replay":"me"}');
    const { status, delivery } = await replay(id, {});
    expect(status).toBe(200);
    expect(delivery).toMatchObject({ kind: 'replay', captureId: id, response: { status: 200 } });
    expect(merchant.requests.at(-1)!.body.toString()).toBe('{"replay":"me"}');
    expect(delivery.request.edited).toBeUndefined();
  });

  it('marks an edited body and verifies it again; re-sign makes it valid (emulator mode)', async () => {
    const { id } = await signedCapture();
    const detail = (await (await app.api(`/api/captures/${id}`)).json()) as { json: { result: Record<string, unknown>; signature: string } };
    const edited = JSON.stringify({ result: { ...detail.json.result, status: 'FAILED' }, signature: detail.json.signature });
    const unsigned = await replay(id, { body: edited });
    expect(unsigned.delivery.request.edited).toBe(true);
    expect(unsigned.delivery.request.verification?.verdict).toBe('invalid');
    const resigned = await replay(id, { body: edited, resign: true });
    expect(resigned.delivery.request.verification?.verdict).toBe('valid');
    expect(JSON.parse(merchant.requests.at(-1)!.body.toString()).result.status).toBe('FAILED');
  });

  it.each([
    ['duplicate', 'valid', false],
    ['tampered-amount', 'invalid', true],
    ['status-downgrade', 'valid', true],
    ['extra-field', 'valid', true],
    ['amount-no-decimals', 'valid', true],
  ])('preset %s sends a %s callback', async (preset, verdict, edited) => {
    const { id } = await signedCapture();
    const { status, delivery } = await replay(id, { preset });
    expect(status).toBe(200);
    expect(delivery.request.preset).toBe(preset);
    expect(Boolean(delivery.request.edited)).toBe(edited);
    if (edited) expect(delivery.request.verification?.verdict).toBe(verdict);
    const sent = merchant.requests.at(-1)!.body.toString();
    if (preset === 'amount-no-decimals') expect(sent).toMatch(/"amount":1775[,}]/);
    if (preset === 'extra-field') expect(sent).toContain('"extraField"');
  });

  it('refuses forbidden targets before connecting, and explains missing targets', async () => {
    const id = await capture('{"forbidden":"targets"}');
    await waitFor(() => merchant.requests.some((request) => request.body.toString() === '{"forbidden":"targets"}'));
    const connections = merchant.connections();
    for (const target of ['http://169.254.169.254/latest/meta-data', 'http://[::ffff:169.254.169.254]/', 'http://example.com/', 'file:///etc/passwd']) {
      const { delivery } = await replay(id, { target });
      expect(delivery.response, target).toBeNull();
      expect(delivery.error, target).toMatch(/^forbidden target/);
    }
    expect(merchant.connections()).toBe(connections);
    const unknown = await replay('cap_nope', {});
    expect(unknown.status).toBe(404);
    const badHeaders = await replay(id, { headers: 'x' });
    expect(badHeaders.status).toBe(400);
  });

  it('records a 302 as such without following it, and a refused connection as an error', async () => {
    const id = await capture('{}');
    merchant.respondWith({ redirect: 'http://127.0.0.1:1/elsewhere' });
    const redirect = await replay(id, { target: `${merchant.url}/r` });
    merchant.respondWith({ status: 200, body: 'ok' });
    expect(redirect.delivery.response?.status).toBe(302);
    expect(redirect.delivery.response?.headers).toContainEqual(expect.arrayContaining([expect.stringMatching(/^location$/i)]));
    const refused = await replay(id, { target: 'http://127.0.0.1:1/' });
    expect(refused.delivery.response).toBeNull();
    expect(refused.delivery.error).toMatch(/ECONNREFUSED|refused/);
  });
});

describe('forwarding switch, export, import and the CLI', () => {
  it('turns live forwarding off and on from the API, refusing forbidden targets', async () => {
    const off = await app.api('/api/forwarding', { method: 'POST', body: '{"target":null}' });
    expect(await off.json()).toEqual({ forwardTo: null });
    const before = merchant.requests.length;
    await capture('{"not":"forwarded"}');
    const bad = await app.api('/api/forwarding', { method: 'POST', body: '{"target":"http://169.254.169.254/"}' });
    expect(bad.status).toBe(400);
    const on = await app.api('/api/forwarding', { method: 'POST', body: JSON.stringify({ target: `${merchant.url}/miapos/callback` }) });
    expect(on.status).toBe(200);
    await capture('{"is":"forwarded"}');
    await waitFor(() => merchant.requests.some((request) => request.body.toString() === '{"is":"forwarded"}'));
    expect(merchant.requests.slice(before).some((request) => request.body.toString() === '{"not":"forwarded"}')).toBe(false);
  });

  it('replays from the terminal through runtime.json, and exports/imports round-trip', async () => {
    const id = await capture('{"from":"cli"}');
    const run = await runCli(['replay', id, '--data-dir', app.config.dataDir, '--to', `${merchant.url}/cli`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/answer {4}HTTP 200/);
    expect(merchant.requests.at(-1)!.url).toBe('/cli');

    const exported = await runCli(['export', '--format', 'json', '--data-dir', app.config.dataDir]);
    expect(exported.code).toBe(0);
    const har = await runCli(['export', '--format', 'har', '--data-dir', app.config.dataDir]);
    expect((JSON.parse(har.stdout) as { log: { version: string; entries: unknown[] } }).log.version).toBe('1.2');

    const other = await startTestInstance();
    try {
      const { writeFile } = await import('node:fs/promises');
      const file = `${other.config.dataDir}/../teammate-export-${Date.now()}.json`;
      await writeFile(file, exported.stdout);
      const imported = await runCli(['import', file, '--data-dir', other.config.dataDir, '--json']);
      expect(imported.code).toBe(0);
      const count = (JSON.parse(imported.stdout) as { imported: number }).imported;
      expect(count).toBe(app.store.captures.count());
      const copy = (await (await other.api(`/api/captures/${id}`)).json()) as { bodyBase64: string; importedFrom: string };
      expect(Buffer.from(copy.bodyBase64, 'base64').toString()).toBe('{"from":"cli"}');
      expect(copy.importedFrom).toMatch(/teammate-export/);
      const again = await runCli(['import', file, '--data-dir', other.config.dataDir, '--json']);
      expect(JSON.parse(again.stdout)).toEqual({ imported: 0, skipped: count, deliveries: 0, evicted: 0 });
    } finally {
      await other.close();
    }
  });

  it('says how to start miahook when no instance runs', async () => {
    const run = await runCli(['replay', 'cap_x', '--data-dir', '/tmp/miahook-nothing-here']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No running miahook found .* Start it first/);
  });
});

describe('--respond proxy', () => {
  it('answers the sender with the app status and body', async () => {
    const proxyApp = await startMerchantApp({ status: 418, body: '{"teapot":true}', headers: [['content-type', 'application/json']] });
    const proxied = await startTestInstance({ args: ['--respond', 'proxy', '--forward-to', proxyApp.url] });
    try {
      const response = await fetch(proxied.callbackUrl, { method: 'POST', body: '{"x":1}' });
      expect(response.status).toBe(418);
      expect(await response.text()).toBe('{"teapot":true}');
      expect(response.headers.get('x-miahook-capture-id')).toMatch(/^cap_/);
      expect(proxyApp.requests).toHaveLength(1);
    } finally {
      await proxied.close();
      await proxyApp.close();
    }
  });
});
