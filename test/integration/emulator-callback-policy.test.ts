// Emulator callbacks follow the one outbound target policy: the inspector API refuses a link-local or metadata
// callbackUrl; the emulator's own /pay takes it (as miaPOS would) but the delivery is refused, never sent.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../shared/records.ts';
import { startEmulator, type EmulatorDelivery } from '../../server/emulator/index.ts';
import { sendOutbound } from '../../server/http/outbound/send-outbound.ts';
import { ANY_HOST_POLICY } from '../../server/http/outbound/target-policy.ts';
import { startCallbackSink } from '../helpers/callback-sink.ts';
import { startMerchantApp } from '../helpers/merchant-app.ts';
import { startTestInstance } from '../helpers/start-instance.ts';
import { waitFor } from '../helpers/wait-for.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startEmulatorWithPay() {
  const dataDir = await mkdtemp(join(tmpdir(), 'miahook-emu-policy-'));
  const deliveries: EmulatorDelivery[] = [];
  const emulator = await startEmulator({ dataDir, port: 0, autoPay: false, onDelivery: (delivery) => deliveries.push(delivery) });
  cleanups.push(async () => {
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const { merchantId, secretKey, terminalId } = emulator.credentials;
  const token = (await (await fetch(`${emulator.url}/ecomm/api/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ merchantId, secretKey }) })).json()) as { accessToken: string };
  const pay = async (callbackUrl: string) => {
    const res = await fetch(`${emulator.url}/ecomm/api/v1/pay`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token.accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ terminalId, orderId: '7', amount: 10, currency: 'MDL', payDescription: 'policy', callbackUrl }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { paymentId: string }).paymentId;
  };
  const deliveredFor = (paymentId: string) => waitFor(() => deliveries.find((delivery) => delivery.paymentId === paymentId) ?? null);
  return { emulator, pay, deliveredFor };
}

describe('emulator callbacks and the target policy', () => {
  it('takes a /pay with an unspecified-address callbackUrl but never sends it (a real listener gets nothing)', async () => {
    // On Linux, connecting to 0.0.0.0 reaches the host's own listeners: without the policy this sink would be hit.
    const sink = await startCallbackSink();
    cleanups.push(() => sink.close());
    const { emulator, pay, deliveredFor } = await startEmulatorWithPay();
    const paymentId = await pay(`http://0.0.0.0:${sink.port}/hooks`);
    await emulator.setOutcome(paymentId, 'SUCCESS');
    const delivery = await deliveredFor(paymentId);
    expect(delivery.error).toMatch(/^forbidden target: 0\.0\.0\.0 is an unspecified address/);
    expect(delivery.response).toBeNull();
    expect(sink.requests).toEqual([]);
    // The same sink on a loopback callbackUrl does receive the callback: the listener was reachable.
    const allowed = await pay(`http://127.0.0.1:${sink.port}/hooks`);
    await emulator.setOutcome(allowed, 'SUCCESS');
    expect((await deliveredFor(allowed)).response?.status).toBe(200);
    expect(sink.requests).toHaveLength(1);
  });

  it('records a metadata callbackUrl as refused by policy, without a connection attempt', async () => {
    const { emulator, pay, deliveredFor } = await startEmulatorWithPay();
    const paymentId = await pay('http://169.254.169.254/latest/meta-data/');
    await emulator.setOutcome(paymentId, 'FAILED');
    const delivery = await deliveredFor(paymentId);
    expect(delivery.error).toMatch(/^forbidden target: 169\.254\.169\.254 is a link-local address/);
    expect(delivery.durationMs).toBe(0);
    expect(emulator.listDeliveries()[0]).toMatchObject({ paymentId, error: expect.stringMatching(/^forbidden target/) });
  });

  it('checks a callback host again on the address it resolves to, before connecting', async () => {
    const app = await startMerchantApp();
    cleanups.push(() => app.close());
    const resolve = async () => ['169.254.169.254'];
    const sent = await sendOutbound({ target: `http://shop.example:${app.port}/cb`, method: 'POST', headers: (url) => [['Host', url.host]], policy: ANY_HOST_POLICY, resolve });
    expect(sent).toMatchObject({ refused: true, response: null, error: expect.stringMatching(/^forbidden target: shop\.example resolves to 169\.254\.169\.254/) });
    const fine = await sendOutbound({ target: `http://shop.example:${app.port}/cb`, method: 'POST', headers: (url) => [['Host', url.host]], policy: ANY_HOST_POLICY, resolve: async () => ['127.0.0.1'] });
    expect(fine.response?.status).toBe(200);
    expect(app.requests).toHaveLength(1);
  });

  it('the inspector API refuses a link-local or metadata callbackUrl with 400 and registers nothing', async () => {
    const app = await startTestInstance();
    cleanups.push(() => app.close());
    for (const callbackUrl of ['http://169.254.169.254/latest/meta-data/', 'http://[2002:a9fe:a9fe::]/', 'http://[::ffff:169.254.169.254]/', 'http://[fe80::1]/', 'file:///etc/passwd']) {
      const response = await app.api('/api/payments', { method: 'POST', body: JSON.stringify({ amount: 5, callbackUrl }) });
      expect(response.status, callbackUrl).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('forbidden_callback_url');
      expect(body.error.message).toMatch(/^callbackUrl refused: /);
    }
    const list = (await (await app.api('/api/payments')).json()) as { items: PaymentRecord[] };
    expect(list.items).toEqual([]);
    expect(app.emulator.listPayments()).toEqual([]);
  });
});
