import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureDetail } from '../../shared/api.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { buildRawRequest, openSlowRequest, sendRaw } from '../helpers/raw-http.ts';

let app: TestInstance;
let port: number;

beforeAll(async () => {
  app = await startTestInstance({ args: ['--max-body', '2kb', '--rate-limit', '5'], ingressTimeouts: { headersMs: 300, requestMs: 2000 } });
  port = Number(new URL(app.ingressUrl).port);
});
afterAll(() => app.close());

async function detail(id: string): Promise<CaptureDetail> {
  const response = await app.api(`/api/captures/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as CaptureDetail;
}

let senderCount = 0;
/** Every test posts as its own sender (X-Forwarded-For from loopback), so the small rate limit only bites where meant. */
function sender(): [string, string] {
  senderCount += 1;
  return ['X-Forwarded-For', `10.0.0.${senderCount}`];
}

async function postRaw(path: string, headers: Array<[string, string]>, body: Buffer) {
  const response = await sendRaw(port, buildRawRequest('POST', path, [['Host', `127.0.0.1:${port}`], ...headers, ['Content-Length', String(body.length)], ['Connection', 'close']], body));
  return { ...response, json: response.body.length ? (JSON.parse(response.body.toString()) as Record<string, unknown>) : null };
}

describe('ingress capture', () => {
  it('stores binary, non-UTF-8 bodies byte-exact with headers in received order and case', async () => {
    const body = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0d, 0x0a, 0x7b, 0xc3, 0x28]);
    const headers: Array<[string, string]> = [sender(), ['X-Zeta', 'last-alpha'], ['content-TYPE', 'application/octet-stream'], ['X-Alpha', 'a'], ['x-alpha', 'b']];
    const response = await postRaw('/callback/team-a_1?x=1&y=%20', headers, body);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ received: true });
    const capture = await detail(String(response.json!.id));
    expect(Buffer.from(capture.bodyBase64, 'base64').equals(body)).toBe(true);
    expect(capture.url).toBe('/callback/team-a_1?x=1&y=%20');
    expect(capture.channel).toBe('team-a_1');
    expect(capture.headers.slice(1, 6)).toEqual([...headers, ['Content-Length', String(body.length)]].slice(0, 5));
    expect(capture.headers[0]).toEqual(['Host', `127.0.0.1:${port}`]);
    expect(capture.verification.verdict).toBe('unverifiable');
    expect(capture.verification.reason).toMatch(/not UTF-8/);
  });

  it('keeps gzip bytes as sent (no inflation) and says why it cannot verify them', async () => {
    const { gzipSync } = await import('node:zlib');
    const body = gzipSync('{"result":{},"signature":"x"}');
    const response = await postRaw('/callback', [sender(), ['Content-Type', 'application/json'], ['Content-Encoding', 'gzip']], body);
    const capture = await detail(String(response.json!.id));
    expect(Buffer.from(capture.bodyBase64, 'base64').equals(body)).toBe(true);
    expect(capture.verification.verdict).toBe('unverifiable');
  });

  it.each([
    ['empty body', '', /empty/],
    ['malformed JSON', '{"result": {', /not JSON/],
    ['a JSON array', '[1]', /array/],
    ['no result', '{"signature":"QUJD"}', /no "result"/],
    ['no signature', '{"result":{"amount":1}}', /no "signature"/],
    ['form data', 'result=1&signature=2', /not JSON/],
  ])('captures %s with the verdict saying what is wrong', async (_name, text, reason) => {
    const response = await postRaw('/callback', [sender(), ['Content-Type', 'text/plain']], Buffer.from(text));
    expect(response.status).toBe(200);
    const capture = await detail(String(response.json!.id));
    expect(capture.verification.verdict).toBe('unverifiable');
    expect(capture.verification.reason).toMatch(reason);
    expect(Buffer.from(capture.bodyBase64, 'base64').toString()).toBe(text);
  });

  it('answers 413 above --max-body and keeps serving', async () => {
    const response = await postRaw('/callback', [sender()], Buffer.alloc(3000, 0x61));
    expect(response.status).toBe(413);
    expect(response.body.toString()).toMatch(/--max-body/);
    const next = await postRaw('/callback', [sender()], Buffer.from('{}'));
    expect(next.status).toBe(200);
  });

  it('answers 429 to a flooding sender while another sender is still captured', async () => {
    const flood = await Promise.all(Array.from({ length: 40 }, () => postRaw('/callback', [['X-Forwarded-For', 'spoofed, 203.0.113.9']], Buffer.from('{}'))));
    const statuses = flood.map((response) => response.status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(flood.find((response) => response.status === 429)?.body.toString()).toMatch(/203\.0\.113\.9/);
    // The same flooder cannot dodge the limit by choosing its own X-Forwarded-For prefix.
    const dodge = await postRaw('/callback', [['X-Forwarded-For', 'another-lie, 203.0.113.9']], Buffer.from('{}'));
    expect(dodge.status).toBe(429);
    const other = await postRaw('/callback', [['X-Forwarded-For', '198.51.100.7']], Buffer.from('{"ok":1}'));
    expect(other.status).toBe(200);
    const capture = await detail(String(other.json!.id));
    expect(capture.sender).toBe('198.51.100.7');
    expect(capture.remoteAddress).toMatch(/127\.0\.0\.1/);
  });

  it('closes a connection that sends headers too slowly, and keeps serving others', async () => {
    const { closed } = await openSlowRequest(port, 'POST /callback HTTP/1.1\r\nHost: x\r\n');
    const answer = await closed;
    expect(answer.toString()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    const next = await postRaw('/callback', [sender()], Buffer.from('{}'));
    expect(next.status).toBe(200);
  });

  it('explains the 404 of anything else and serves nothing private', async () => {
    for (const path of ['/', '/api/status', '/api/captures', '/index.html', '/assets/index.js', '/ws', '/callback/../api/status', '/callback/bad.channel']) {
      const response = await fetch(`${app.ingressUrl}${path}`, { headers: { authorization: `Bearer ${app.token}` } });
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).toMatch(/only captures POST \/callback/);
    }
    const upgrade = await sendRaw(port, buildRawRequest('GET', '/ws', [['Host', `127.0.0.1:${port}`], ['Connection', 'Upgrade'], ['Upgrade', 'websocket'], ['Sec-WebSocket-Version', '13'], ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='], ['Authorization', `Bearer ${app.token}`]]));
    expect(upgrade.status).not.toBe(101);
    const get = await fetch(`${app.ingressUrl}/callback`);
    expect(get.status).toBe(405);
  });
});

describe('strict response mode', () => {
  it('answers 400 to a callback it cannot verify, and still captures it', async () => {
    const strict = await startTestInstance({ args: ['--respond', 'strict'] });
    try {
      const bad = await fetch(`${strict.callbackUrl}`, { method: 'POST', body: '{"result":{"amount":1},"signature":"QUJD"}', headers: { 'content-type': 'application/json' } });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ received: true, error: expect.stringMatching(/Rejected like a correct handler/) });
      const list = (await (await strict.api("/api/captures")).json()) as { total: number };
      expect(list.total).toBe(1);
    } finally {
      await strict.close();
    }
  });
});

describe('byte budget per sender', () => {
  it('answers 429 when one sender sends too many bytes, even within the request limit', async () => {
    const small = await startTestInstance({ args: ['--rate-limit', '1', '--max-body', '100kb'] });
    try {
      const post = () => fetch(small.callbackUrl, { method: 'POST', body: Buffer.alloc(90 * 1024, 0x61), headers: { 'x-forwarded-for': '192.0.2.44' } });
      expect((await post()).status).toBe(200);
      const second = await post();
      expect(second.status).toBe(429);
      expect(await second.text()).toMatch(/Too many bytes from 192\.0\.2\.44/);
      const other = await fetch(small.callbackUrl, { method: 'POST', body: '{"small":true}', headers: { 'x-forwarded-for': '192.0.2.45' } });
      expect(other.status).toBe(200);
      expect(small.store.captures.count()).toBe(2);
    } finally {
      await small.close();
    }
  });
});
