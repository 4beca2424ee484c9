// The emulator's payment state machine: control route and setOutcome rules, auto mode, expiry, RTP, status changes.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaymentState } from '../../shared/protocol.ts';
import { EmulatorError, startEmulator, type EmulatorOptions } from '../../server/emulator/index.ts';
import { waitFor } from '../helpers/wait-for.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<EmulatorOptions> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'miahook-emu-'));
  const changes: PaymentState[] = [];
  const emulator = await startEmulator({ dataDir, port: 0, onPaymentChange: (state) => changes.push(state), ...options });
  cleanups.push(async () => {
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const { merchantId, secretKey, terminalId, rtpTerminalId } = emulator.credentials;
  const token = (await (await fetch(`${emulator.url}/ecomm/api/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ merchantId, secretKey }) })).json()) as { accessToken: string };
  const auth = { Authorization: `Bearer ${token.accessToken}`, 'Content-Type': 'application/json' };
  const pay = async (extra: Record<string, unknown> = {}, path = '/ecomm/api/v1/pay') => {
    const body = { terminalId, orderId: 'o-1', amount: 10, currency: 'MDL', payDescription: 'test', ...extra };
    const res = await fetch(`${emulator.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as { paymentId: string; checkoutPage?: string };
  };
  const payRtp = () => pay({ terminalId: rtpTerminalId, clientName: 'Ion', clientPhone: '+37360000000' }, '/ecomm/api/v1/request-to-pay/direct');
  const status = async (paymentId: string) => {
    const res = await fetch(`${emulator.url}/ecomm/api/v1/payment/${paymentId}`, { headers: auth });
    return (await res.json()) as PaymentState;
  };
  const control = async (paymentId: string, body: unknown, contentType = 'application/json') => {
    const res = await fetch(`${emulator.url}/_emulator/payments/${paymentId}/outcome`, { method: 'POST', headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  return { emulator, changes, pay, payRtp, status, control };
}

describe('control route', () => {
  it('moves CREATED -> PENDING -> SUCCESS, and GET /payment reflects each step with swift fields only on SUCCESS', async () => {
    const { pay, status, control } = await setup();
    const { paymentId } = await pay();
    expect((await status(paymentId)).status).toBe('CREATED');
    const pending = await control(paymentId, { status: 'PENDING' });
    expect(pending.status).toBe(200);
    expect(pending.json).toMatchObject({ paymentId, status: 'PENDING' });
    const seen = await status(paymentId);
    expect(seen.status).toBe('PENDING');
    expect(seen.swiftMessageId).toBeUndefined();
    expect((await control(paymentId, { status: 'SUCCESS' })).status).toBe(200);
    const done = await status(paymentId);
    expect(done.status).toBe('SUCCESS');
    expect(done.swiftMessageId).toMatch(/^EMU\d+$/);
    expect(done.swiftPayerBank).toBe('EMULMD2X');
  });

  it('refuses to leave a final status (409) and says why', async () => {
    const { pay, status, control } = await setup();
    for (const final of ['SUCCESS', 'FAILED', 'DECLINED', 'EXPIRED']) {
      const { paymentId } = await pay();
      expect((await control(paymentId, { status: final })).status).toBe(200);
      for (const next of ['PENDING', 'SUCCESS', 'FAILED', 'DECLINED', 'EXPIRED']) {
        const res = await control(paymentId, { status: next });
        expect(res.status, `${final} -> ${next}`).toBe(409);
        expect(res.json.error.code).toBe('ILLEGAL_TRANSITION');
        expect(res.json.error.message).toContain(`already ${final}, a final status`);
      }
      expect((await status(paymentId)).status).toBe(final);
    }
  });

  it('refuses PENDING twice (409), unknown statuses and CREATED (400), unknown payments (404), and non-JSON posts', async () => {
    const { pay, control } = await setup();
    const { paymentId } = await pay();
    await control(paymentId, { status: 'PENDING' });
    const twice = await control(paymentId, { status: 'PENDING' });
    expect([twice.status, twice.json.error.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    for (const bad of [{ status: 'PAID' }, { status: 'CREATED' }, {}, { status: 7 }]) {
      const res = await control(paymentId, bad);
      expect([res.status, res.json.error.code], JSON.stringify(bad)).toEqual([400, 'INVALID_STATUS']);
      expect(res.json.error.message).toContain('SUCCESS, FAILED, DECLINED, EXPIRED');
    }
    const unknown = await control('nope', { status: 'SUCCESS' });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'UNKNOWN_PAYMENT']);
    const form = await control(paymentId, 'status=SUCCESS', 'application/x-www-form-urlencoded');
    expect([form.status, form.json.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const plain = await control(paymentId, '{"status":"SUCCESS"}', 'text/plain');
    expect(plain.status).toBe(415);
    const broken = await control(paymentId, '{"status":', 'application/json');
    expect([broken.status, broken.json.error.code]).toEqual([400, 'INVALID_REQUEST']);
  });

  it('applies the same rules through handle.setOutcome, throwing EmulatorError with the HTTP status', async () => {
    const { emulator, pay, changes } = await setup();
    const { paymentId } = await pay();
    const state = await emulator.setOutcome(paymentId, 'DECLINED');
    expect(state).toMatchObject({ paymentId, status: 'DECLINED' });
    await expect(emulator.setOutcome(paymentId, 'SUCCESS')).rejects.toSatisfy((error: unknown) => error instanceof EmulatorError && error.status === 409);
    await expect(emulator.setOutcome('nope', 'SUCCESS')).rejects.toSatisfy((error: unknown) => error instanceof EmulatorError && error.status === 404);
    await expect(emulator.setOutcome(paymentId, 'CREATED')).rejects.toSatisfy((error: unknown) => error instanceof EmulatorError && error.status === 400);
    expect(changes.filter((change) => change.paymentId === paymentId).map((change) => change.status)).toEqual(['CREATED', 'DECLINED']);
    expect(emulator.getPayment(paymentId)?.status).toBe('DECLINED');
  });
});

describe('auto mode and expiry', () => {
  it('goes PENDING then SUCCESS once the checkout page is opened; an unopened payment stays CREATED', async () => {
    const { pay, status, changes } = await setup({ speed: 50 });
    const opened = await pay();
    const unopened = await pay();
    expect((await fetch(opened.checkoutPage!)).status).toBe(200);
    await waitFor(async () => (await status(opened.paymentId)).status === 'SUCCESS');
    expect(changes.filter((change) => change.paymentId === opened.paymentId).map((change) => change.status)).toEqual(['CREATED', 'PENDING', 'SUCCESS']);
    expect((await status(unopened.paymentId)).status).toBe('CREATED');
  });

  it('expires unopened payments after ttlSeconds / speed; an opened one pays instead', async () => {
    const { pay, status, changes } = await setup({ speed: 40, ttlSeconds: 4 });
    const opened = await pay();
    const unopened = await pay();
    await fetch(opened.checkoutPage!);
    await waitFor(async () => (await status(unopened.paymentId)).status === 'EXPIRED');
    await waitFor(async () => (await status(opened.paymentId)).status === 'SUCCESS');
    expect(changes.filter((change) => change.paymentId === unopened.paymentId).map((change) => change.status)).toEqual(['CREATED', 'EXPIRED']);
  });

  it('with autoPay off, opening the page changes nothing until the TTL', async () => {
    const { pay, status, changes } = await setup({ speed: 50, ttlSeconds: 10, autoPay: false });
    const { paymentId, checkoutPage } = await pay();
    await fetch(checkoutPage!);
    await waitFor(async () => (await status(paymentId)).status === 'EXPIRED');
    expect(changes.filter((change) => change.paymentId === paymentId).map((change) => change.status)).toEqual(['CREATED', 'EXPIRED']);
  });

  it('runs an RTP request by itself: PENDING then SUCCESS', async () => {
    const { payRtp, status, changes } = await setup({ speed: 50 });
    const { paymentId } = await payRtp();
    await waitFor(async () => (await status(paymentId)).status === 'SUCCESS');
    expect(changes.filter((change) => change.paymentId === paymentId).map((change) => change.status)).toEqual(['CREATED', 'PENDING', 'SUCCESS']);
  });

  it('lets a control move win over auto mode, and auto mode never overrides a final status', async () => {
    const { pay, status, control, changes } = await setup({ speed: 50 });
    const declined = await pay();
    const racer = await pay();
    await fetch(declined.checkoutPage!);
    await fetch(racer.checkoutPage!);
    expect((await control(declined.paymentId, { status: 'DECLINED' })).status).toBe(200);
    await waitFor(async () => (await status(racer.paymentId)).status === 'SUCCESS');
    expect((await status(declined.paymentId)).status).toBe('DECLINED');
    expect(changes.filter((change) => change.paymentId === declined.paymentId).map((change) => change.status)).toEqual(['CREATED', 'DECLINED']);
  });
});
