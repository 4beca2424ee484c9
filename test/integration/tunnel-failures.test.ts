import { afterEach, describe, expect, it } from 'vitest';
import type { TunnelState } from '../../shared/events.ts';
import { createHttpProbe, startTunnel, type TunnelOptions } from '../../server/tunnel/index.ts';
import { startFakeIngress, startRelay } from '../helpers/lt-relay.ts';
import { collectGarbage } from '../helpers/collect-garbage.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PROBE_PATH = '/__miahook/probe';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('tunnel failures', () => {
  it('does not hang on a relay that never answers /?new, closes promptly, and stops asking after close', async () => {
    const relay = await startRelay({ neverAnswer: true });
    cleanups.push(() => relay.close());
    const ingress = await startFakeIngress(PROBE_PATH, 'me');
    cleanups.push(() => ingress.close());
    const timersBefore = activeTimers();
    const states: TunnelState[] = [];
    const started = Date.now();
    const tunnel = startTunnel({
      localPort: ingress.port,
      host: relay.controlUrl,
      openTimeoutMs: 500,
      backoff: { initialMs: 50, maxMs: 100 },
      probe: createHttpProbe({ path: PROBE_PATH, expectBody: 'me', timeoutMs: 500 }),
      onState: (state) => states.push(state),
    });
    expect(tunnel.state()).toEqual({ state: 'connecting', attempt: 1 });
    // The 500 ms deadline must hold whatever the collector does (Node 20 holds AbortSignal.any's sources weakly).
    await waitFor(() => relay.newCount >= 1);
    collectGarbage();

    const reconnecting = await waitFor(() => states.find((s) => s.state === 'reconnecting'), { timeoutMs: 3000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
    expect(reconnecting).toEqual({ state: 'reconnecting', attempt: 2, reason: expect.stringMatching(/no tunnel after 500 ms \(waiting for http:\/\/127\.0\.0\.1:\d+\/\?new to answer\)/) });
    await waitFor(() => relay.newCount >= 2); // it keeps trying, with backoff

    const closing = Date.now();
    await tunnel.close();
    expect(Date.now() - closing).toBeLessThan(200);
    expect(tunnel.state()).toEqual({ state: 'off' });
    await tunnel.close(); // idempotent

    await waitFor(() => relay.controlConnections() === 0, { timeoutMs: 1000 }); // the hanging /?new was aborted, not abandoned
    const asked = relay.newCount;
    await waitFor(() => activeTimers() <= timersBefore, { timeoutMs: 1000 }); // no retry or deadline timer left behind
    const watchUntil = Date.now() + 400; // four times the longest backoff: any retry loop would show
    await waitFor(() => Date.now() >= watchUntil, { timeoutMs: 1000 });
    expect(relay.newCount).toBe(asked);
    expect(states.at(-1)).toEqual({ state: 'off' });
    expect(states.filter((s) => s.state === 'online')).toHaveLength(0);
  });

  it.each([
    ['ftp://example.test', /http:\/\/ or https:\/\//],
    ['not a url', /http:\/\/ or https:\/\//],
  ])('reports failed for the bad host %s and never connects', async (host, reason) => {
    const states: TunnelState[] = [];
    const options: TunnelOptions = { localPort: 4601, host, probe: async () => true, onState: (state) => states.push(state) };
    const tunnel = startTunnel(options);
    expect(tunnel.state()).toEqual({ state: 'failed', reason: expect.stringMatching(reason) });
    await waitFor(() => states.length > 0);
    expect(states).toEqual([{ state: 'failed', reason: expect.stringMatching(reason) }]);
    expect(await tunnel.probeNow()).toBe(false);
    await tunnel.close();
  });

  it('reports failed for a subdomain the localtunnel server would refuse', () => {
    const tunnel = startTunnel({ localPort: 4601, host: 'https://localtunnel.me', subdomain: 'Bad_Name', probe: async () => true, onState: () => {} });
    expect(tunnel.state()).toMatchObject({ state: 'failed', reason: expect.stringContaining('subdomain "Bad_Name"') });
    return tunnel.close();
  });

  it('never reports online when the public URL leads somewhere else, and says why', async () => {
    const relay = await startRelay();
    cleanups.push(() => relay.close());
    const ingress = await startFakeIngress(PROBE_PATH, 'another-instance');
    cleanups.push(() => ingress.close());
    const states: TunnelState[] = [];
    const tunnel = startTunnel({
      localPort: ingress.port,
      host: relay.controlUrl,
      openTimeoutMs: 400,
      backoff: { initialMs: 50, maxMs: 100 },
      probe: createHttpProbe({ path: PROBE_PATH, expectBody: 'this-instance', timeoutMs: 300 }),
      onState: (state) => states.push(state),
    });
    cleanups.push(() => tunnel.close());
    const reconnecting = await waitFor(() => states.find((s) => s.state === 'reconnecting'), { timeoutMs: 3000 });
    expect(reconnecting).toMatchObject({ reason: expect.stringContaining('does not lead to this instance') });
    expect(states.some((s) => s.state === 'online')).toBe(false);
    await tunnel.close();
    await waitFor(() => relay.socketCount() === 0, { timeoutMs: 1000 }); // the abandoned attempt's sockets were closed
  });

  it('leaves no retry loop behind: a relay that comes back after close() gets no /?new', async () => {
    const down = await startRelay();
    const controlPort = Number(new URL(down.controlUrl).port);
    await down.close();
    const states: TunnelState[] = [];
    const tunnel = startTunnel({
      localPort: 4601,
      host: down.controlUrl,
      openTimeoutMs: 300,
      backoff: { initialMs: 50, maxMs: 100 },
      probe: async () => true,
      onState: (state) => states.push(state),
    });
    const reconnecting = await waitFor(() => states.find((s) => s.state === 'reconnecting'));
    expect(reconnecting).toMatchObject({ attempt: 2, reason: expect.stringContaining('ECONNREFUSED') });
    await tunnel.close();
    const relay = await startRelay({ port: controlPort });
    cleanups.push(() => relay.close());
    const watchUntil = Date.now() + 1200; // longer than localtunnel's own 1 s retry period
    await waitFor(() => Date.now() >= watchUntil, { timeoutMs: 2000 });
    expect(relay.newCount).toBe(0);
  });
});
