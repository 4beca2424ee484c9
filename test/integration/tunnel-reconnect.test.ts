import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { TunnelState } from '../../shared/events.ts';
import { createHttpProbe, startTunnel } from '../../server/tunnel/index.ts';
import { startFakeIngress, startRelay, type Relay } from '../helpers/lt-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PROBE_PATH = '/__miahook/probe';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function post(url: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/octet-stream' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('tunnel reconnection', () => {
  it('reopens on its own after the relay is killed and restarted, reports the new URL, and the next POST arrives', async () => {
    let relay: Relay = await startRelay();
    cleanups.push(() => relay.close());
    const controlPort = Number(new URL(relay.controlUrl).port);
    const ingress = await startFakeIngress(PROBE_PATH, `instance-${randomBytes(6).toString('hex')}`);
    cleanups.push(() => ingress.close());
    const states: TunnelState[] = [];
    const lines: string[] = [];
    const tunnel = startTunnel({
      localPort: ingress.port,
      host: relay.controlUrl,
      openTimeoutMs: 1000,
      probeIntervalMs: 200,
      probeTimeoutMs: 500,
      backoff: { initialMs: 50, maxMs: 200 },
      probe: createHttpProbe({ path: PROBE_PATH, expectBody: ingress.probeBody, timeoutMs: 500 }),
      onState: (state) => states.push(state),
      log: (line) => lines.push(line),
    });
    cleanups.push(() => tunnel.close());

    const first = await waitFor(() => (tunnel.state().state === 'online' ? relay.publicUrl() : null));
    expect(await post(`${first}/callback`, Buffer.from([1, 2, 3]))).toBe(200);

    await relay.close(); // kills every tunnel socket; the library's client would sit there looking alive
    const reconnecting = await waitFor(() => states.find((s) => s.state === 'reconnecting'));
    expect(reconnecting).toMatchObject({ attempt: 1, lastUrl: first });

    relay = await startRelay({ port: controlPort });
    const second = await waitFor(() => {
      const state = tunnel.state();
      return state.state === 'online' && state.publicUrl !== first ? state.publicUrl : null;
    });
    expect(second).toBe(relay.publicUrl());
    const afterDeath = states.slice(states.indexOf(reconnecting));
    expect(afterDeath.map((s) => s.state)).toEqual([...Array(afterDeath.length - 1).fill('reconnecting'), 'online']);
    // The states carry the old and the new URL; announcing the change (once, with the payments it strands) is the listener's job.
    expect(states.at(-1)).toEqual({ state: 'online', publicUrl: second });
    expect(lines.filter((line) => /url changed/i.test(line))).toEqual([]);

    const body = randomBytes(4096);
    expect(await post(`${second}/callback`, body)).toBe(200);
    expect(ingress.received.at(-1)?.body.equals(body)).toBe(true);
    expect(ingress.received.filter((r) => r.method === 'POST')).toHaveLength(2);
  });
});
