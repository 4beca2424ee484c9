// `miahook tail` as a real child process: following the running instance (text, --json, --channel, app answers,
// Ctrl+C) and a share link through a relay whose reminder page stops every request without the bypass header.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ShareResponse } from '../../shared/api.ts';
import type { PaymentRecord } from '../../shared/records.ts';
import { startCallbackSink, type CallbackSink } from '../helpers/callback-sink.ts';
import { startRelay, type Relay } from '../helpers/lt-relay.ts';
import { startCli, type RunningCli } from '../helpers/run-cli.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { waitFor } from '../helpers/wait-for.ts';

let relay: Relay;
let sink: CallbackSink;
let app: TestInstance;
const running: RunningCli[] = [];

async function json<T>(response: Promise<Response>, status = 200): Promise<T> {
  const answer = await response;
  const text = await answer.text();
  expect(answer.status, text).toBe(status);
  return JSON.parse(text) as T;
}

/** Starts tail and waits until it says it follows (so nothing sent afterwards is missed). */
async function startTail(args: string[]): Promise<RunningCli> {
  const tail = startCli(['tail', ...args]);
  running.push(tail);
  await waitFor(() => {
    if (tail.output.stderr.includes('following')) return true;
    if (/refused|Error/.test(tail.output.stderr)) throw new Error(tail.output.stderr);
    return false;
  }, { timeoutMs: 20_000 });
  return tail;
}

async function stop(tail: RunningCli): Promise<number | null> {
  tail.signal('SIGINT');
  return tail.exited;
}

const post = (path: string, body: string) => fetch(`${app.ingressUrl}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
const lines = (text: string) => text.split('\n').filter(Boolean);

beforeAll(async () => {
  relay = await startRelay({ reminder: { password: '198.51.100.4', everyone: true } });
  sink = await startCallbackSink({ status: 202 });
  app = await startTestInstance({
    args: ['--tunnel', '--tunnel-host', relay.controlUrl, '--forward-to', `${sink.url}/miapos`],
    tunnelTimings: { openTimeoutMs: 3000, probeIntervalMs: 200, probeTimeoutMs: 1000, backoff: { initialMs: 50, maxMs: 300 } },
  });
  await waitFor(() => app.tunnelState().state === 'online', { timeoutMs: 10_000 });
});
afterEach(async () => {
  for (const tail of running.splice(0)) {
    tail.signal('SIGKILL');
    await tail.exited;
  }
});
afterAll(async () => {
  await app?.close();
  await sink?.close();
  await relay?.close();
});

describe('miahook tail (the running instance)', () => {
  it('prints one line per capture with channel, status, order, amount, verdict and the app\'s answer; Ctrl+C exits 0', async () => {
    const tail = await startTail(['--data-dir', app.config.dataDir]);
    const payment = await json<PaymentRecord>(app.api('/api/payments', { method: 'POST', body: JSON.stringify({ amount: 12.5, callbackUrl: `${app.ingressUrl}/callback/shop` }) }), 201);
    await app.api(`/api/payments/${payment.paymentId}/simulate`, { method: 'POST', body: '{"status":"SUCCESS"}' });
    const line = await waitFor(() => lines(tail.output.stdout).find((text) => text.includes(payment.orderId)), { timeoutMs: 10_000 });
    expect(line).toMatch(/^\d\d:\d\d:\d\d  shop\s+SUCCESS\s+/);
    expect(line).toMatch(/12\.50 MDL\s+valid\s+app -$/);
    const answer = await waitFor(() => lines(tail.output.stdout).find((text) => text.includes('↳ app answered')), { timeoutMs: 10_000 });
    expect(answer).toContain(`app answered 202 to ${payment.orderId} (forward,`);
    expect(await stop(tail)).toBe(0);
  });

  it('--json prints one object per line, --channel keeps only that channel', async () => {
    const tail = await startTail(['--data-dir', app.config.dataDir, '--json', '--channel', 'bob']);
    await post('/callback/alice', '{"result":{"status":"SUCCESS","orderId":"for-alice","amount":1.00},"signature":"x"}');
    await post('/callback/bob', '{"result":{"status":"FAILED","orderId":"for-bob","amount":2.00},"signature":"x"}');
    await post('/callback', '{"result":{"status":"SUCCESS","orderId":"for-default"}}');
    await waitFor(() => tail.output.stdout.includes('for-bob') && tail.output.stdout.includes('app-answer'), { timeoutMs: 10_000 });
    const objects = lines(tail.output.stdout).map((text) => JSON.parse(text) as Record<string, unknown>);
    const captures = objects.filter((object) => object.type === 'capture');
    expect(captures).toHaveLength(1);
    expect(captures[0]).toMatchObject({ channel: 'bob', status: 'FAILED', orderId: 'for-bob', amount: '2.00', verdict: 'invalid', appAnswer: null });
    expect(objects.find((object) => object.type === 'app-answer')).toMatchObject({ captureId: captures[0]!.id, kind: 'forward', status: 202 });
    expect(tail.output.stdout).not.toContain('for-alice');
    expect(await stop(tail)).toBe(0);
  });

  it('reconnects with back-off when the instance restarts, says so, and goes on printing', async () => {
    const first = await startTestInstance();
    const tail = await startTail(['--data-dir', first.config.dataDir]);
    const dataDir = first.config.dataDir;
    await first.close();
    await waitFor(() => /connection lost \(.*\); reconnecting in \d+ ms \(attempt 1\)/.test(tail.output.stderr), { timeoutMs: 10_000 });
    const second = await startTestInstance({ dataDir });
    try {
      await waitFor(() => tail.output.stderr.includes(`reconnected to the miahook in ${dataDir}`), { timeoutMs: 20_000 });
      await fetch(`${second.ingressUrl}/callback`, { method: 'POST', body: '{"result":{"status":"SUCCESS","orderId":"after-restart","amount":5},"signature":"x"}' });
      await waitFor(() => tail.output.stdout.includes('after-restart'), { timeoutMs: 10_000 });
      expect(await stop(tail)).toBe(0);
    } finally {
      await second.close();
    }
  });

  it('says what is wrong when no instance runs in the data dir (exit 0 on Ctrl+C, it keeps trying)', async () => {
    const tail = startCli(['tail', '--data-dir', `${app.config.dataDir}-nothing-here`]);
    running.push(tail);
    await waitFor(() => tail.output.stderr.includes('cannot connect (no running miahook in'), { timeoutMs: 20_000 });
    expect(tail.output.stderr).toMatch(/reconnecting in \d+ ms \(attempt 1\)/);
    expect(await stop(tail)).toBe(0);
  });
});

describe('miahook tail <share-url>', () => {
  it('follows a share link through the tunnel\'s reminder page (it sends the bypass header), then exits 2 once revoked', async () => {
    const link = await json<ShareResponse>(app.api('/api/share', { method: 'POST', body: '{}' }), 201);
    const stoppedBefore = relay.reminded;
    const tail = await startTail([link.url, '--json']);
    await post('/callback/carol', '{"result":{"status":"SUCCESS","orderId":"for-carol","amount":3.50,"currency":"MDL"},"signature":"x"}');
    const line = await waitFor(() => lines(tail.output.stdout).find((text) => text.includes('for-carol')), { timeoutMs: 10_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\nstdout: ${tail.output.stdout}\nstderr: ${tail.output.stderr}`);
    });
    expect(JSON.parse(line)).toMatchObject({ type: 'capture', channel: 'carol', orderId: 'for-carol', amount: '3.50', currency: 'MDL', appAnswer: null });
    expect(relay.reminded).toBe(stoppedBefore);
    expect((await fetch(`${link.url}api/status`)).status).toBe(401); // the same page stops a client without the header

    await app.api('/api/share', { method: 'DELETE' });
    expect(await tail.exited).toBe(2);
    expect(tail.output.stderr).toMatch(/the share link was refused: This share link has expired or was revoked/);
  });

  it('prints the one capture of a one-capture link and says new captures will not appear there', async () => {
    const id = (await (await post('/callback/dave', '{"result":{"status":"DECLINED","orderId":"for-dave","amount":4},"signature":"x"}')).json() as { id: string }).id;
    const link = await json<ShareResponse>(app.api(`/api/captures/${id}/share`, { method: 'POST', body: '{}' }), 201);
    const tail = await startTail([link.url]);
    await waitFor(() => tail.output.stderr.includes('this link shows one capture'), { timeoutMs: 10_000 });
    expect(lines(tail.output.stdout)).toHaveLength(1);
    expect(tail.output.stdout).toMatch(/dave\s+DECLINED\s+for-dave/);
    expect(await stop(tail)).toBe(0);
  });

  it('exits 2 at once on something that is not a share link, or a link that no longer works', async () => {
    const bad = startCli(['tail', 'https://example.invalid/somewhere']);
    expect(await bad.exited).toBe(2);
    expect(bad.output.stderr).toMatch(/is not a miahook share link/);
    const forged = startCli(['tail', `${relay.publicUrl()}/share/aaaa.bbbb.cccc/`]);
    expect(await forged.exited).toBe(2);
    expect(forged.output.stderr).toMatch(/refused: This share link has expired or was revoked/);
  });
});
