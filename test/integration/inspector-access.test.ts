import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { buildRawRequest, sendRaw } from '../helpers/raw-http.ts';

let app: TestInstance;
let port: number;

beforeAll(async () => {
  app = await startTestInstance();
  port = Number(new URL(app.inspectorUrl).port);
});
afterAll(() => app.close());

function get(path: string, headers: Array<[string, string]>) {
  return sendRaw(port, buildRawRequest('GET', path, [...headers, ['Connection', 'close']]));
}

function openWs(headers: Record<string, string>, protocols: string[] = ['miahook', `miahook.token.${app.token}`]): Promise<{ opened: boolean; status?: number; protocol?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, protocols, { headers });
    ws.on('open', () => {
      resolve({ opened: true, protocol: ws.protocol });
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode });
      res.resume();
    });
    ws.on('error', () => resolve({ opened: false }));
  });
}

describe('inspector Host check (DNS rebinding)', () => {
  it.each(['127.0.0.1', 'localhost', '[::1]'])('serves Host %s with the right port', async (host) => {
    const response = await get('/api/status', [['Host', `${host}:${port}`], ['Authorization', `Bearer ${app.token}`]]);
    expect(response.status).toBe(200);
  });

  it.each(['localhost6', '0x7f.1', '127.1', '2130706433', 'evil.example', 'localhost.evil.example', '127.0.0.1.nip.io'])('refuses Host %s with 403', async (host) => {
    const response = await get('/api/status', [['Host', `${host}:${port}`], ['Authorization', `Bearer ${app.token}`]]);
    expect(response.status).toBe(403);
    const page = await get('/', [['Host', `${host}:${port}`]]);
    expect(page.status).toBe(403);
  });

  it.each([
    ['a loopback name as a prefix of another name', () => `127.0.0.1.evil.example:${port}`],
    ['the right Host with more after the port', () => `127.0.0.1:${port}.evil.example`],
    ['localhost with more after the port', () => `localhost:${port}.evil`],
    ['a longer port starting with the right one', () => `127.0.0.1:${port}0`],
    ['[::1] with more after the port', () => `[::1]:${port}x`],
  ])('refuses %s (the whole Host must match, not its start)', async (_name, makeHost) => {
    expect((await get('/api/status', [['Host', makeHost()], ['Authorization', `Bearer ${app.token}`]])).status).toBe(403);
  });

  it('refuses the right name with a wrong port, and a missing Host', async () => {
    expect((await get('/api/status', [['Host', `127.0.0.1:${port + 1}`], ['Authorization', `Bearer ${app.token}`]])).status).toBe(403);
    expect((await get('/api/status', [['Host', '127.0.0.1'], ['Authorization', `Bearer ${app.token}`]])).status).toBe(403);
  });
});

describe('inspector token and Origin', () => {
  it('answers 401 without the token or with a wrong one, with a message saying what to send', async () => {
    const none = await fetch(`${app.inspectorUrl}/api/status`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/Authorization: Bearer/) } });
    const wrong = await fetch(`${app.inspectorUrl}/api/status`, { headers: { authorization: `Bearer ${app.token}x` } });
    expect(wrong.status).toBe(401);
    const shorter = await fetch(`${app.inspectorUrl}/api/captures`, { headers: { authorization: 'Bearer a' } });
    expect(shorter.status).toBe(401);
  });

  it('refuses API calls from another Origin or the null origin, even with the token', async () => {
    const lookalikes = [`http://127.0.0.1:${port}.evil`, `http://127.0.0.1:${port}0`, `http://localhost:${port}.evil.example`, `http://127.0.0.1.evil.example:${port}`, `http://127.0.0.1:${port}@evil.example`];
    for (const origin of ['http://evil.example', 'null', `http://localhost:${port + 1}`, ...lookalikes]) {
      const response = await app.api('/api/status', { headers: { origin } });
      expect(response.status, origin).toBe(403);
    }
    expect((await app.api('/api/status', { headers: { origin: `http://127.0.0.1:${port}` } })).status).toBe(200);
  });

  it('never sends Access-Control-Allow-Origin, even to a preflight', async () => {
    const preflight = await fetch(`${app.inspectorUrl}/api/captures`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'DELETE' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const normal = await app.api('/api/status');
    expect(normal.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('takes JSON only on state-changing routes (415 for a form post)', async () => {
    const form = await app.api('/api/payments', { method: 'POST', body: 'amount=5', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    const text = await app.api('/api/payments', { method: 'POST', body: '{"amount":5}', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const broken = await app.api('/api/payments', { method: 'POST', body: '{"amount":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({ error: { code: 'bad_json', message: 'The body is not valid JSON.' } });
  });

  it('answers unknown API routes with 404 JSON', async () => {
    const response = await app.api('/api/nope');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('inspector WebSocket access', () => {
  it('survives upgrade requests whose path is not a URL path, from any Host', async () => {
    for (const [path, host] of [['//', 'evil.example'], ['//[', `127.0.0.1:${port}`], ['/\\', `127.0.0.1:${port}`]]) {
      const answer = await sendRaw(port, buildRawRequest('GET', path!, [['Host', host!], ['Origin', 'http://evil.example'], ['Connection', 'Upgrade'], ['Upgrade', 'websocket'], ['Sec-WebSocket-Version', '13'], ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==']]));
      expect([403, 404], path).toContain(answer.status);
    }
    expect((await app.api('/api/status')).status).toBe(200);
  });

  it('opens with the token as subprotocol and the own Origin, choosing the miahook protocol', async () => {
    expect(await openWs({ origin: `http://127.0.0.1:${port}` })).toEqual({ opened: true, protocol: 'miahook' });
  });

  it('opens for a script with no Origin and a bearer header', async () => {
    expect((await openWs({ authorization: `Bearer ${app.token}` }, [])).opened).toBe(true);
  });

  it.each([
    ['a foreign Origin', () => ({ origin: 'http://evil.example' }), undefined, 403],
    ['the null Origin', () => ({ origin: 'null' }), undefined, 403],
    ['no token', () => ({ origin: `http://127.0.0.1:${port}` }), ['miahook'], 401],
    ['a wrong token', () => ({}), ['miahook', 'miahook.token.nope'], 401],
    ['a rebinding Host', () => ({ host: `evil.example:${port}` }), undefined, 403],
    ['a Host that only starts like its own', () => ({ host: `127.0.0.1:${port}.evil.example` }), undefined, 403],
    ['an Origin that only starts like its own', () => ({ origin: `http://127.0.0.1:${port}.evil` }), undefined, 403],
  ] as const)('refuses %s', async (_name, makeHeaders, protocols, status) => {
    const headers: Record<string, string> = makeHeaders();
    const result = await openWs(headers, protocols ? [...protocols] : undefined);
    expect(result.opened).toBe(false);
    expect(result.status).toBe(status);
  });
});
