// One-capture links: POST /api/captures/:id/share gives a read-only link that reaches that capture alone (its detail,
// signature verdict and diagnosis), streams no other capture, refuses every write, and dies with DELETE /api/share.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CaptureDetail, CaptureListResponse, ShareResponse, StatusResponse } from '../../shared/api.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { waitFor } from '../helpers/wait-for.ts';

let app: TestInstance;
let shown: string;
let other: string;

async function json<T>(response: Promise<Response>, status = 200): Promise<T> {
  const answer = await response;
  const text = await answer.text();
  expect(answer.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function capture(path: string, body: string): Promise<string> {
  return (await json<{ id: string }>(fetch(`${app.ingressUrl}${path}`, { method: 'POST', body }))).id;
}

function openStream(url: string): Promise<{ frames: string[]; closed: Promise<number>; socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}ws`, ['miahook']);
    const frames: string[] = [];
    const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)));
    socket.on('message', (data) => frames.push(data.toString()));
    socket.on('error', reject);
    socket.on('open', () => resolve({ frames, closed, socket }));
  });
}

beforeAll(async () => {
  app = await startTestInstance();
  shown = await capture('/callback/shop', '{"result":{"status":"SUCCESS","orderId":"shown-1","amount":10.00},"signature":"bm90IGEgc2lnbmF0dXJl"}');
  other = await capture('/callback/shop', '{"result":{"status":"SUCCESS","orderId":"hidden-2","amount":20.00},"signature":"x"}');
});
afterAll(async () => {
  await app?.close();
});

describe('one-capture share links', () => {
  it('shows that capture alone, with its verdict and diagnosis, and nothing else', async () => {
    const link = await json<ShareResponse>(app.api(`/api/captures/${shown}/share`, { method: 'POST', body: '{"ttlSeconds":600}' }), 201);
    expect(link.url).toMatch(new RegExp(`^${app.ingressUrl}/share/[\\w.-]+/$`));
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
    const status = await json<StatusResponse>(fetch(`${link.url}api/status`));
    expect(status).toMatchObject({ readOnly: true, sharedCaptureId: shown, counts: { captures: 1, payments: 0, deliveries: 0 } });
    const list = await json<CaptureListResponse>(fetch(`${link.url}api/captures`));
    expect(list.items.map((item) => item.id)).toEqual([shown]);
    expect(list.total).toBe(1);
    const own = await json<CaptureDetail>(app.api(`/api/captures/${shown}`));
    const detail = await json<CaptureDetail>(fetch(`${link.url}api/captures/${shown}`));
    expect(detail.verification).toEqual(own.verification);
    expect(detail.bodyBase64).toBe(own.bodyBase64);
    const refused = await json<{ error: { code: string; message: string } }>(fetch(`${link.url}api/captures/${other}`), 403);
    expect(refused.error.code).toBe('out_of_scope');
    for (const [method, path] of [['DELETE', `api/captures/${shown}`], ['POST', `api/captures/${shown}/replay`], ['POST', `api/captures/${shown}/share`], ['GET', 'api/payments'], ['POST', 'api/share']] as const) {
      expect((await fetch(`${link.url}${path}`, { method, body: method === 'POST' ? '{}' : undefined })).status, `${method} ${path}`).toBe(403);
    }
  });

  it('streams no other capture, while a whole-view link does', async () => {
    const one = await json<ShareResponse>(app.api(`/api/captures/${shown}/share`, { method: 'POST', body: '{}' }), 201);
    const all = await json<ShareResponse>(app.api('/api/share', { method: 'POST', body: '{}' }), 201);
    const oneStream = await openStream(one.url);
    const allStream = await openStream(all.url);
    await capture('/callback/shop', '{"result":{"status":"SUCCESS","orderId":"later-3","amount":1},"signature":"x"}');
    await waitFor(() => allStream.frames.some((frame) => frame.includes('later-3')));
    expect(oneStream.frames.map((frame) => (JSON.parse(frame) as { type: string }).type)).toEqual(['hello']);
    oneStream.socket.close();
    allStream.socket.close();
  });

  it('answers 404 for an unknown capture and 400 for a bad lifetime', async () => {
    expect((await json<{ error: { code: string } }>(app.api('/api/captures/cap_nope/share', { method: 'POST', body: '{}' }), 404)).error.code).toBe('unknown_capture');
    expect((await json<{ error: { code: string } }>(app.api(`/api/captures/${shown}/share`, { method: 'POST', body: '{"ttlSeconds":1}' }), 400)).error.code).toBe('bad_ttl');
  });

  it('is revoked with every other link by DELETE /api/share, its open stream closed', async () => {
    const link = await json<ShareResponse>(app.api(`/api/captures/${shown}/share`, { method: 'POST', body: '{}' }), 201);
    const stream = await openStream(link.url);
    await app.api('/api/share', { method: 'DELETE' });
    expect(await stream.closed).toBe(4001);
    expect((await fetch(`${link.url}api/captures/${shown}`)).status).toBe(403);
    expect((await fetch(`${link.url}api/status`)).status).toBe(403);
  });
});
