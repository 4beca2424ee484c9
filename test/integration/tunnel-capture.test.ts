import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { TunnelState } from '../../shared/events.ts';
import { createHttpProbe, startTunnel, type TunnelController } from '../../server/tunnel/index.ts';
import { startFakeIngress, startRelay, type FakeIngress, type Relay } from '../helpers/lt-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PROBE_PATH = '/__miahook/probe';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(subdomain?: string): Promise<{ relay: Relay; ingress: FakeIngress; tunnel: TunnelController; states: TunnelState[] }> {
  const relay = await startRelay();
  cleanups.push(() => relay.close());
  const ingress = await startFakeIngress(PROBE_PATH, `instance-${randomBytes(6).toString('hex')}`);
  cleanups.push(() => ingress.close());
  const states: TunnelState[] = [];
  const tunnel = startTunnel({
    localPort: ingress.port,
    host: relay.controlUrl,
    ...(subdomain ? { subdomain } : {}),
    openTimeoutMs: 2000,
    probeIntervalMs: 200,
    probe: createHttpProbe({ path: PROBE_PATH, expectBody: ingress.probeBody, timeoutMs: 1000 }),
    onState: (state) => states.push(state),
  });
  cleanups.push(() => tunnel.close());
  return { relay, ingress, tunnel, states };
}

function post(url: string, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function onlineUrl(state: TunnelState): string | null {
  return state.state === 'online' ? state.publicUrl : null;
}

describe('tunnel through a localtunnel-compatible relay', () => {
  it('goes connecting -> online with the relay URL, and a binary POST arrives byte-exact', async () => {
    const { relay, ingress, tunnel, states } = await setUp();
    const url = await waitFor(() => onlineUrl(tunnel.state()));
    expect(url).toBe(relay.publicUrl());
    expect(states[0]).toEqual({ state: 'connecting', attempt: 1 });
    expect(states).toContainEqual({ state: 'online', publicUrl: url });

    const body = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(70_000)]);
    const answer = await post(`${url}/callback?x=1`, body, { 'content-type': 'application/octet-stream', 'X-Forwarded-For': '203.0.113.9' });
    expect(answer).toEqual({ status: 200, text: 'OK' });
    const got = ingress.received.find((r) => r.method === 'POST');
    expect(got?.path).toBe('/callback?x=1');
    expect(got?.body.equals(body)).toBe(true);
    const xff = got?.rawHeaders[got.rawHeaders.findIndex((h) => /^x-forwarded-for$/i.test(h)) + 1];
    expect(xff).toBe('203.0.113.9, 127.0.0.1');
  });

  it('passes a chunked UTF-8 JSON body untouched', async () => {
    const { ingress, tunnel } = await setUp();
    const url = await waitFor(() => onlineUrl(tunnel.state()));
    const body = Buffer.from('{"orderId":"ö€-1","amount":1775.00,"signature":"q83v"}', 'utf8');
    await post(`${url}/callback`, body, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    expect(ingress.received.at(-1)?.body.equals(body)).toBe(true);
  });

  it('asks for the subdomain and reports the distinct URL the relay gave', async () => {
    const { relay, tunnel } = await setUp('my-team-hook');
    const url = await waitFor(() => onlineUrl(tunnel.state()));
    expect(url).toBe(`${relay.publicUrl()}`);
    expect(url).toMatch(/\/my-team-hook$/);
    expect(await tunnel.probeNow()).toBe(true);
  });

  it('probeNow answers false and the tunnel is replaced when the public URL stops leading to this instance', async () => {
    const { ingress, tunnel, states } = await setUp();
    await waitFor(() => onlineUrl(tunnel.state()));
    expect(await tunnel.probeNow()).toBe(true);
    ingress.probeBody = 'someone-else'; // as if the subdomain were taken over by another client
    expect(await tunnel.probeNow()).toBe(false);
    const reconnecting = await waitFor(() => states.find((s) => s.state === 'reconnecting'));
    expect(reconnecting).toMatchObject({ state: 'reconnecting', attempt: 1, reason: expect.stringContaining('no longer leads here') });
  });
});

describe('createHttpProbe', () => {
  it('is true only for status 200 with exactly the expected body, and sends the reminder bypass header', async () => {
    const seen: Array<string | undefined> = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers['bypass-tunnel-reminder'] as string | undefined);
      if (req.url === '/p') return void res.end('me');
      if (req.url === '/q/p') return void res.writeHead(404).end('me');
      if (req.url === '/slow/p') return; // never answers
      res.end('not me');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const probe = createHttpProbe({ path: '/p', expectBody: 'me', timeoutMs: 300 });
    expect(await probe(`${base}/`)).toBe(true);
    expect(await probe(`${base}/q`)).toBe(false);
    expect(await createHttpProbe({ path: '/p', expectBody: 'm', timeoutMs: 300 })(base)).toBe(false);
    const started = Date.now();
    expect(await probe(`${base}/slow`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await probe('http://127.0.0.1:1')).toBe(false);
    expect(seen[0]).toBe('1');
  });
});
