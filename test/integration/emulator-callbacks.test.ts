// The emulator's callback delivery: one signed POST per final payment, verified two ways, recorded; failures and fault switches.

import { createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type DeliveryStartInfo, type EmulatorDelivery, type EmulatorOptions } from '../../server/emulator/index.ts';
import { readPublicKey } from '../../server/signature/keys.ts';
import { verifyCallback } from '../../server/signature/verify.ts';
import { startCallbackSink, type CallbackSink } from '../helpers/callback-sink.ts';
import { waitFor } from '../helpers/wait-for.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<EmulatorOptions> = {}) {
  const sink = await startCallbackSink();
  cleanups.push(() => sink.close());
  const dataDir = await mkdtemp(join(tmpdir(), 'miahook-emu-'));
  const started: DeliveryStartInfo[] = [];
  const deliveries: EmulatorDelivery[] = [];
  const emulator = await startEmulator({
    dataDir,
    port: 0,
    autoPay: false,
    onDeliveryStart: (info) => started.push(info),
    onDelivery: (delivery) => deliveries.push(delivery),
    ...options,
  });
  cleanups.push(async () => {
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const { merchantId, secretKey, terminalId } = emulator.credentials;
  const token = (await (await fetch(`${emulator.url}/ecomm/api/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ merchantId, secretKey }) })).json()) as { accessToken: string };
  const auth = { Authorization: `Bearer ${token.accessToken}` };
  const pay = async (extra: Record<string, unknown> = {}) => {
    const body = { terminalId, orderId: '108', amount: 1775, currency: 'MDL', payDescription: 'Order 108', callbackUrl: `${sink.url}/hooks/miapos?x=1`, ...extra };
    const res = await fetch(`${emulator.url}/ecomm/api/v1/pay`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return ((await res.json()) as { paymentId: string }).paymentId;
  };
  const publicKey = async () => ((await (await fetch(`${emulator.url}/ecomm/api/v1/public-key`, { headers: auth })).json()) as { publicKey: string }).publicKey;
  const setFaults = async (body: unknown, contentType = 'application/json') => {
    const res = await fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', headers: { 'Content-Type': contentType }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const deliveredFor = (paymentId: string, count = 1) => waitFor(() => {
    const done = deliveries.filter((delivery) => delivery.paymentId === paymentId);
    return done.length >= count ? done : null;
  });
  return { emulator, sink, pay, publicKey, setFaults, started, deliveries, deliveredFor };
}

/** An independent check: the canonical string built here by hand, verified with node:crypto only. */
function verifyIndependently(bodyText: string, publicKeyBase64: string): { canonical: string; valid: boolean } {
  const body = JSON.parse(bodyText) as { result: Record<string, unknown>; signature: string };
  const amountText = /"amount":(-?\d+(?:\.\d+)?)/.exec(bodyText)![1]!;
  const [whole, cents = ''] = amountText.split('.');
  const keys = Object.keys(body.result).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = keys.map((key) => (key === 'amount' ? `${whole}.${cents.padEnd(2, '0')}` : String(body.result[key]))).join(';');
  const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
  return { canonical, valid: verify('sha256', Buffer.from(canonical, 'utf8'), key, Buffer.from(body.signature, 'base64')) };
}

function bodiesFor(sink: CallbackSink, paymentId: string): string[] {
  return sink.requests.map((request) => request.body.toString('utf8')).filter((text) => text.includes(paymentId));
}

describe('callback delivery', () => {
  it('POSTs one signed {result, signature} when the payment becomes final; it verifies with the served key, two ways', async () => {
    const { emulator, sink, pay, publicKey, deliveredFor } = await setup();
    const paymentId = await pay();
    await emulator.setOutcome(paymentId, 'PENDING');
    await emulator.setOutcome(paymentId, 'SUCCESS');
    await deliveredFor(paymentId);
    const later = await pay();
    await emulator.setOutcome(later, 'EXPIRED');
    await deliveredFor(later);

    const received = sink.requests.filter((request) => request.body.includes(paymentId));
    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/hooks/miapos?x=1');
    expect(request.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1]).toBe('application/json');
    const text = request.body.toString('utf8');
    expect(text).toMatch(/^\{"result":\{"terminalId":"[^"]+","orderId":"108","paymentId":"[^"]+","status":"SUCCESS","amount":1775\.00,"currency":"MDL","paymentType":"qr","paymentDate":"[\dT:-]+","swiftMessageId":"EMU\d+","swiftPayerBank":"EMULMD2X"\},"signature":"[A-Za-z0-9+/]+=*"\}$/);
    expect(text).not.toContain('null');
    expect(text).not.toContain('checkoutPage');

    const served = await publicKey();
    expect(served).toBe(emulator.publicKeyBase64);
    const verdict = verifyCallback(request.body, [readPublicKey(served, 'emulator')]);
    expect(verdict.verdict).toBe('valid');
    const independent = verifyIndependently(text, served);
    expect(independent.valid).toBe(true);
    expect(independent.canonical).toBe(verdict.canonical);
    expect(independent.canonical).toMatch(/^1775\.00;MDL;108;[\dT:-]+;[0-9a-f-]{36};qr;SUCCESS;EMU\d+;EMULMD2X;TRMW\d{4}$/);

    const expired = JSON.parse(bodiesFor(sink, later)[0]!) as { result: Record<string, unknown> };
    expect(expired.result.status).toBe('EXPIRED');
    expect(expired.result.swiftMessageId).toBeUndefined();
    expect(verifyIndependently(bodiesFor(sink, later)[0]!, served).valid).toBe(true);
  });

  it('reports each delivery: start (with the exact bytes) then the record with request, answer and timing', async () => {
    const { emulator, sink, pay, started, deliveredFor } = await setup();
    sink.configure({ status: 202, body: 'accepted', headers: { 'X-App': 'shop' } });
    const paymentId = await pay({ amount: 12.5 });
    await emulator.setOutcome(paymentId, 'DECLINED');
    const [delivery] = await deliveredFor(paymentId);
    const start = started.find((info) => info.paymentId === paymentId)!;
    expect(start.id).toBe(delivery!.id);
    expect(start.target).toBe(`${sink.url}/hooks/miapos?x=1`);
    expect(start.body.equals(sink.requests[0]!.body)).toBe(true);
    expect(start.body.toString()).toContain('"amount":12.50,');
    expect(delivery).toMatchObject({ kind: 'emulator-callback', paymentId, target: start.target, error: null });
    expect(Buffer.from(delivery!.request.bodyBase64, 'base64').equals(start.body)).toBe(true);
    expect(delivery!.request.headers).toContainEqual(['Content-Length', String(start.body.length)]);
    expect(delivery!.response!.status).toBe(202);
    expect(delivery!.response!.headers).toContainEqual(['X-App', 'shop']);
    expect(Buffer.from(delivery!.response!.bodyBase64, 'base64').toString()).toBe('accepted');
    expect(delivery!.response!.truncated).toBe(false);
    expect(delivery!.durationMs).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(delivery!.startedAt))).toBe(false);
    const listed = await (await fetch(`${emulator.url}/_emulator/deliveries`)).json() as { deliveries: Array<{ id: string; faults: string[] }> };
    expect(listed.deliveries[0]).toMatchObject({ id: delivery!.id, faults: [] });
  });

  it('sends nothing for a payment without a callbackUrl', async () => {
    const { emulator, pay, deliveredFor, deliveries, sink } = await setup();
    const silent = await pay({ callbackUrl: undefined });
    await emulator.setOutcome(silent, 'SUCCESS');
    const marker = await pay();
    await emulator.setOutcome(marker, 'SUCCESS');
    await deliveredFor(marker);
    expect(deliveries.map((delivery) => delivery.paymentId)).toEqual([marker]);
    expect(bodiesFor(sink, silent)).toEqual([]);
  });

  it('uses the terminal default callback URL when the payment gives none', async () => {
    const sink = await startCallbackSink();
    cleanups.push(() => sink.close());
    const { emulator, pay, deliveredFor, deliveries } = await setup({ defaultCallbackUrl: `${sink.url}/default` });
    const withDefault = await pay({ callbackUrl: undefined });
    await emulator.setOutcome(withDefault, 'FAILED');
    await deliveredFor(withDefault);
    expect(sink.requests.map((request) => request.url)).toEqual(['/default']);
    expect(deliveries).toHaveLength(1);
  });

  it('does not retry a non-2xx answer and does not follow redirects', async () => {
    const { emulator, sink, pay, setFaults, deliveries, deliveredFor } = await setup();
    sink.configure({ status: 500, body: 'boom' });
    const failed = await pay();
    await emulator.setOutcome(failed, 'SUCCESS');
    const [first] = await deliveredFor(failed);
    expect(first!.response!.status).toBe(500);
    sink.configure({ status: 302, headers: { Location: `${sink.url}/elsewhere` } });
    const moved = await pay();
    await emulator.setOutcome(moved, 'SUCCESS');
    const [redirected] = await deliveredFor(moved);
    expect(redirected!.response!.status).toBe(302);
    // The marker leaves a second later (the delay switch), so a retry of either answer within that second,
    // or a followed redirect, reaches the sink before it.
    sink.configure({ status: 200, headers: {} });
    await setFaults({ delayMs: 1000 });
    const marker = await pay();
    await emulator.setOutcome(marker, 'SUCCESS');
    await deliveredFor(marker);
    expect(sink.requests.map((request) => request.url)).toEqual(['/hooks/miapos?x=1', '/hooks/miapos?x=1', '/hooks/miapos?x=1']);
    expect(bodiesFor(sink, failed)).toHaveLength(1);
    expect(bodiesFor(sink, moved)).toHaveLength(1);
    expect(deliveries.map((delivery) => delivery.paymentId)).toEqual([failed, moved, marker]);
  });

  it('records refused connections, timeouts and long answers (cut at 64 KiB)', async () => {
    const { emulator, sink, pay, deliveredFor } = await setup({ callbackTimeoutMs: 300 });
    const closed = await startCallbackSink();
    await closed.close();
    const refused = await pay({ callbackUrl: `${closed.url}/cb` });
    await emulator.setOutcome(refused, 'SUCCESS');
    const [refusedDelivery] = await deliveredFor(refused);
    expect(refusedDelivery!.response).toBeNull();
    expect(refusedDelivery!.error).toMatch(/^connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);

    sink.configure({ delayMs: 3000 });
    const slow = await pay();
    await emulator.setOutcome(slow, 'SUCCESS');
    const [slowDelivery] = await deliveredFor(slow);
    expect(slowDelivery!.error).toMatch(/^timeout/);
    expect(slowDelivery!.durationMs).toBeGreaterThanOrEqual(290);
    expect(bodiesFor(sink, slow)).toHaveLength(1);

    sink.configure({ delayMs: 0, body: 'x'.repeat(100 * 1024) });
    const big = await pay();
    await emulator.setOutcome(big, 'SUCCESS');
    const [bigDelivery] = await deliveredFor(big);
    expect(bigDelivery!.response!.truncated).toBe(true);
    expect(Buffer.from(bigDelivery!.response!.bodyBase64, 'base64').length).toBe(64 * 1024);
  });

  it('keeps working when a delivery listener throws', async () => {
    const sink = await startCallbackSink();
    cleanups.push(() => sink.close());
    const logs: string[] = [];
    const { emulator, pay } = await setup({
      log: (line) => logs.push(line),
      onDeliveryStart: () => { throw new Error('start listener broke'); },
      onDelivery: () => { throw new Error('listener broke'); },
    });
    const first = await pay({ callbackUrl: `${sink.url}/a` });
    await emulator.setOutcome(first, 'SUCCESS');
    await waitFor(() => logs.some((line) => line.includes('listener broke')));
    const second = await pay({ callbackUrl: `${sink.url}/b` });
    await emulator.setOutcome(second, 'SUCCESS');
    await waitFor(() => sink.requests.length === 2);
    expect(logs.some((line) => line.includes('start listener broke'))).toBe(true);
  });
});

describe('fault switches', () => {
  it('drop: never sends, records the delivery as dropped', async () => {
    const { emulator, sink, pay, setFaults, started, deliveredFor } = await setup();
    expect((await setFaults({ drop: true })).json).toEqual({ duplicate: false, delayMs: 0, drop: true, tamperAmount: false });
    const dropped = await pay();
    await emulator.setOutcome(dropped, 'SUCCESS');
    const [delivery] = await deliveredFor(dropped);
    expect(delivery).toMatchObject({ response: null, error: 'dropped by fault switch' });
    expect(started.filter((info) => info.paymentId === dropped)).toHaveLength(0);
    await setFaults({ drop: false });
    const marker = await pay();
    await emulator.setOutcome(marker, 'SUCCESS');
    await deliveredFor(marker);
    expect(bodiesFor(sink, dropped)).toHaveLength(0);
    expect(bodiesFor(sink, marker)).toHaveLength(1);
  });

  it('duplicate: sends the same bytes twice as two deliveries', async () => {
    const { emulator, sink, pay, setFaults, deliveredFor } = await setup();
    await setFaults({ duplicate: true });
    const paymentId = await pay();
    await emulator.setOutcome(paymentId, 'SUCCESS');
    const twice = await deliveredFor(paymentId, 2);
    expect(twice[0]!.id).not.toBe(twice[1]!.id);
    const bodies = bodiesFor(sink, paymentId);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toBe(bodies[1]);
    const listed = emulator.listDeliveries();
    expect(listed[0]!.faults).toEqual(['duplicate']);
  });

  it('delay: waits before sending', async () => {
    const { emulator, sink, pay, setFaults, deliveredFor } = await setup();
    await setFaults({ delayMs: 300 });
    const paymentId = await pay();
    const before = Date.now();
    await emulator.setOutcome(paymentId, 'SUCCESS');
    await deliveredFor(paymentId);
    expect(sink.requests[0]!.receivedAt - before).toBeGreaterThanOrEqual(290);
  });

  it('tamperAmount: changes the amount after signing, so both checks fail', async () => {
    const { emulator, sink, pay, setFaults, deliveredFor } = await setup();
    await setFaults({ tamperAmount: true });
    const paymentId = await pay();
    await emulator.setOutcome(paymentId, 'SUCCESS');
    await deliveredFor(paymentId);
    const text = bodiesFor(sink, paymentId)[0]!;
    expect(text).toContain('"amount":1776.00,');
    expect(verifyCallback(text, [readPublicKey(emulator.publicKeyBase64, 'emulator')]).verdict).toBe('invalid');
    expect(verifyIndependently(text, emulator.publicKeyBase64).valid).toBe(false);
    expect(verifyIndependently(text.replace('"amount":1776.00', '"amount":1775.00'), emulator.publicKeyBase64).valid).toBe(true);
  });

  it('GET shows the switches; bad values, unknown switches and non-JSON posts are refused', async () => {
    const { emulator, setFaults } = await setup({ faults: { delayMs: 5 } });
    expect(await (await fetch(`${emulator.url}/_emulator/faults`)).json()).toEqual({ duplicate: false, delayMs: 5, drop: false, tamperAmount: false });
    for (const bad of [{ drop: 'yes' }, { delayMs: -1 }, { delayMs: 1.5 }, { explode: true }]) {
      const res = await setFaults(bad);
      expect([res.status, res.json.error.code], JSON.stringify(bad)).toEqual([400, 'INVALID_FAULTS']);
    }
    expect((await setFaults([1])).status).toBe(400);
    expect((await setFaults({ drop: true }, 'text/plain')).status).toBe(415);
    expect(emulator.getFaults()).toEqual({ duplicate: false, delayMs: 5, drop: false, tamperAmount: false });
    expect(emulator.setFaults({ duplicate: true }).duplicate).toBe(true);
  });
});
