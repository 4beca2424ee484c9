import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HeaderPair } from '../../shared/records.ts';
import { sendRequest } from '../../server/replay/send-request.ts';
import { startMerchantApp, type MerchantApp } from '../helpers/merchant-app.ts';

const policy = { allowHosts: [] };
const CALLBACK = Buffer.from('{"result":{"status":"SUCCESS","amount":1775.00},"signature":"c2ln"}');
const CAPTURED_HEADERS: HeaderPair[] = [
  ['Host', 'abc.loca.lt'],
  ['User-Agent', 'Apache-HttpClient/4.5.14 (Java/17)'],
  ['Content-Type', 'application/json; charset=UTF-8'],
  ['X-Forwarded-For', '203.0.113.7'],
  ['Connection', 'keep-alive, X-Hop'],
  ['X-Hop', 'per-connection'],
  ['Transfer-Encoding', 'chunked'],
  ['Proxy-Authorization', 'Basic eDp5'],
  ['Content-Length', '999'],
  ['x-request-id', 'r-1'],
  ['x-request-id', 'r-2'],
];

let app: MerchantApp;
beforeEach(async () => {
  app = await startMerchantApp();
});
afterEach(async () => {
  await app.close();
});

const withoutConnection = (headers: HeaderPair[]) => headers.filter(([name]) => name.toLowerCase() !== 'connection');

describe('sendRequest', () => {
  it('delivers the exact bytes with kept headers in order, the target Host and an explicit Content-Length', async () => {
    const sent = await sendRequest({ target: `${app.url}/hooks/miapos?x=1`, method: 'POST', headers: CAPTURED_HEADERS, body: CALLBACK, policy });
    expect(sent.error).toBeNull();
    expect(sent.response?.status).toBe(200);
    expect(app.requests).toHaveLength(1);
    const received = app.requests[0]!;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/hooks/miapos?x=1');
    expect(received.body.equals(CALLBACK)).toBe(true);
    expect(withoutConnection(received.headers)).toEqual([
      ['Host', `127.0.0.1:${app.port}`],
      ['User-Agent', 'Apache-HttpClient/4.5.14 (Java/17)'],
      ['Content-Type', 'application/json; charset=UTF-8'],
      ['X-Forwarded-For', '203.0.113.7'],
      ['Content-Length', String(CALLBACK.length)],
      ['x-request-id', 'r-1'],
      ['x-request-id', 'r-2'],
    ]);
    expect(sent.request.headers).toEqual(withoutConnection(received.headers));
    expect(Buffer.from(sent.request.bodyBase64, 'base64').equals(CALLBACK)).toBe(true);
  });

  it('delivers a binary body byte-identical and records the app answer, headers and duration', async () => {
    const body = Buffer.concat([randomBytes(4096), Buffer.from([0, 0xff, 0xfe, 0x0d, 0x0a])]);
    app.respondWith({ status: 201, headers: [['X-App', 'yes'], ['Content-Type', 'text/plain']], body: 'stored', delayMs: 30 });
    const sent = await sendRequest({ target: app.url, method: 'put', headers: [['Content-Type', 'application/octet-stream']], body, policy });
    expect(app.requests[0]!.body.equals(body)).toBe(true);
    expect(app.requests[0]!.method).toBe('PUT');
    expect(sent.response).toMatchObject({ status: 201, truncated: false });
    expect(sent.response!.headers).toContainEqual(['X-App', 'yes']);
    expect(Buffer.from(sent.response!.bodyBase64, 'base64').toString()).toBe('stored');
    expect(sent.durationMs).toBeGreaterThanOrEqual(25);
    expect(Date.parse(sent.startedAt)).not.toBeNaN();
  });

  it('records a 302 with its Location and does not follow it', async () => {
    app.respondWith((request) => (request.url === '/old' ? { redirect: `${app.url}/new` } : { status: 200 }));
    const sent = await sendRequest({ target: `${app.url}/old`, method: 'POST', headers: [], body: CALLBACK, policy });
    expect(sent.error).toBeNull();
    expect(sent.response?.status).toBe(302);
    expect(sent.response?.headers).toContainEqual(['Location', `${app.url}/new`]);
    expect(app.requests.map((request) => request.url)).toEqual(['/old']);
  });

  it('records a timeout when the app never answers', async () => {
    app.respondWith({ hang: true });
    const sent = await sendRequest({ target: app.url, method: 'POST', headers: [], body: CALLBACK, policy, timeoutMs: 150 });
    expect(sent.error).toBe('timeout after 150 ms');
    expect(sent.response).toBeNull();
    expect(sent.durationMs).toBeGreaterThanOrEqual(140);
    expect(app.requests).toHaveLength(1);
  });

  it('records connection refused, naming it', async () => {
    const port = await findClosedPort();
    const sent = await sendRequest({ target: `http://127.0.0.1:${port}/cb`, method: 'POST', headers: [], body: CALLBACK, policy });
    expect(sent.response).toBeNull();
    expect(sent.error).toMatch(/connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  it('records an app that drops the connection without answering', async () => {
    app.respondWith({ destroy: true });
    const sent = await sendRequest({ target: app.url, method: 'POST', headers: [], body: CALLBACK, policy });
    expect(sent.response).toBeNull();
    expect(sent.error).toMatch(/closed the connection without answering/);
  });

  it('caps the response body and marks it truncated', async () => {
    const big = Buffer.alloc(10_000, 'a');
    app.respondWith({ body: big });
    const capped = await sendRequest({ target: app.url, method: 'POST', headers: [], body: CALLBACK, policy, maxResponseBytes: 1000 });
    expect(capped.error).toBeNull();
    expect(capped.response?.truncated).toBe(true);
    expect(Buffer.from(capped.response!.bodyBase64, 'base64').equals(big.subarray(0, 1000))).toBe(true);
    const exact = await sendRequest({ target: app.url, method: 'POST', headers: [], body: CALLBACK, policy, maxResponseBytes: 10_000 });
    expect(exact.response?.truncated).toBe(false);
    expect(Buffer.from(exact.response!.bodyBase64, 'base64').length).toBe(10_000);
  });

  it('sends no Content-Length for an empty GET that had none', async () => {
    const sent = await sendRequest({ target: app.url, method: 'GET', headers: [['Accept', '*/*']], body: Buffer.alloc(0), policy });
    expect(sent.response?.status).toBe(200);
    expect(app.requests[0]!.headers.map(([name]) => name.toLowerCase())).not.toContain('content-length');
    expect(app.requests[0]!.headers.map(([name]) => name.toLowerCase())).not.toContain('transfer-encoding');
  });
});

async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
