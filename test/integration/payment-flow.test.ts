import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureDetail, CaptureListResponse } from '../../shared/api.ts';
import type { PaymentRecord } from '../../shared/records.ts';
import { buildSignString } from '../../shared/sign-string.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { waitFor } from '../helpers/wait-for.ts';

let app: TestInstance;

beforeAll(async () => {
  app = await startTestInstance();
});
afterAll(() => app.close());

async function json<T>(response: Response | Promise<Response>, status = 200): Promise<T> {
  const answer = await response;
  const body = (await answer.json()) as T;
  expect(answer.status, JSON.stringify(body)).toBe(status);
  return body;
}

async function findCapture(paymentId: string): Promise<CaptureDetail> {
  const list = await waitFor(async () => {
    const page = await json<CaptureListResponse>(app.api(`/api/captures?q=${paymentId}`));
    return page.items.length ? page : undefined;
  });
  return json<CaptureDetail>(app.api(`/api/captures/${list.items[0]!.id}`));
}

describe('payment flow through the emulator', () => {
  it('registers a payment, makes it succeed, and captures its callback linked, valid and matched to the delivery', async () => {
    const payment = await json<PaymentRecord>(app.api('/api/payments', { method: 'POST', body: JSON.stringify({ amount: 12.5 }) }), 201);
    expect(payment).toMatchObject({ status: 'CREATED', currency: 'MDL', amount: 12.5, callbackUrl: app.callbackUrl, backend: 'emulator' });
    expect(payment.checkoutPage).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/checkout\?paymentId=/);
    expect(payment.orderId).toMatch(/^MH-/);

    const simulated = await json<PaymentRecord>(app.api(`/api/payments/${payment.paymentId}/simulate`, { method: 'POST', body: JSON.stringify({ status: 'SUCCESS' }) }));
    expect(simulated.status).toBe('SUCCESS');

    const capture = await findCapture(payment.paymentId);
    expect(capture.verification.verdict).toBe('valid');
    expect(capture.verification.key?.label).toBe('emulator');
    expect(capture.summary).toMatchObject({ status: 'SUCCESS', amount: '12.50', currency: 'MDL', paymentId: payment.paymentId });
    expect(capture.payment).toEqual({ paymentId: payment.paymentId, mismatches: [] });
    expect(capture.emulatorDeliveryId).toBeTruthy();
    expect(capture.linkedPayment?.paymentId).toBe(payment.paymentId);

    const linked = await waitFor(async () => {
      const record = (await json<{ items: PaymentRecord[] }>(app.api('/api/payments'))).items.find((item) => item.paymentId === payment.paymentId);
      return record?.callbackCaptureIds.includes(capture.id) ? record : undefined;
    });
    expect(linked.timeline.map((entry) => `${entry.source}:${entry.status}`)).toEqual(['registered:CREATED', 'simulate:SUCCESS', 'callback:SUCCESS']);

    const emulatorInfo = await json<{ recentDeliveries: Array<{ id: string; response: { status: number } | null }> }>(app.api('/api/emulator'));
    const delivery = await waitFor(async () => (await json<typeof emulatorInfo>(app.api('/api/emulator'))).recentDeliveries.find((item) => item.id === capture.emulatorDeliveryId));
    expect(delivery.response?.status).toBe(200);
    const withDelivery = await json<CaptureDetail>(app.api(`/api/captures/${capture.id}`));
    expect(withDelivery.deliveries.map((item) => [item.id, item.kind, item.response?.status])).toEqual([[capture.emulatorDeliveryId, 'emulator-callback', 200]]);

    const refreshed = await json<PaymentRecord>(app.api(`/api/payments/${payment.paymentId}`));
    expect(refreshed.status).toBe('SUCCESS');
    expect(refreshed.callbackNeverArrived).toBe(false);
  });

  it('flags a genuine-looking callback whose amount disagrees with the registered payment', async () => {
    const payment = await json<PaymentRecord>(app.api('/api/payments', { method: 'POST', body: JSON.stringify({ amount: 100, orderId: 'ORDER-42' }) }), 201);
    const result = { terminalId: payment.terminalId, orderId: 'ORDER-42', paymentId: payment.paymentId, status: 'SUCCESS', amount: 1, currency: 'MDL' };
    const body = `{"result":${JSON.stringify(result).replace('"amount":1', '"amount":1.00')},"signature":"${app.emulator.signText(buildSignString(result))}"}`;
    await fetch(app.callbackUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const capture = await findCapture(payment.paymentId);
    expect(capture.verification.verdict).toBe('valid');
    expect(capture.payment?.mismatches).toEqual([{ field: 'amount', expected: '100.00', got: '1.00' }]);
  });

  it('shows a tampered callback as invalid with a diagnosis, and does not move the payment', async () => {
    const payment = await json<PaymentRecord>(app.api('/api/payments', { method: 'POST', body: JSON.stringify({ amount: 7 }) }), 201);
    const result = { terminalId: payment.terminalId, orderId: payment.orderId, paymentId: payment.paymentId, status: 'SUCCESS', amount: 7, currency: 'MDL' };
    const signature = app.emulator.signText(buildSignString(result));
    const tampered = `{"result":${JSON.stringify({ ...result, amount: 7000 })},"signature":"${signature}"}`;
    await fetch(app.callbackUrl, { method: 'POST', body: tampered, headers: { 'content-type': 'application/json' } });
    const capture = await findCapture(payment.paymentId);
    expect(capture.verification.verdict).toBe('invalid');
    expect(capture.verification.diagnosis?.cause).toBe('tampered-or-unknown-key');
    const record = (await json<{ items: PaymentRecord[] }>(app.api('/api/payments'))).items.find((item) => item.paymentId === payment.paymentId)!;
    expect(record.status).toBe('CREATED');
    expect(record.callbackCaptureIds).toEqual([capture.id]);
  });

  it('sends the callback of an app payment made without callbackUrl to the ingress (the terminal default)', async () => {
    const { credentials, url } = app.emulator;
    const token = ((await (await fetch(`${url}/ecomm/api/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ merchantId: credentials.merchantId, secretKey: credentials.secretKey }) })).json()) as { accessToken: string }).accessToken;
    const created = (await (await fetch(`${url}/ecomm/api/v1/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ terminalId: credentials.terminalId, orderId: 'app-7', amount: 5, currency: 'MDL', payDescription: 'from the app' }),
    })).json()) as { paymentId: string };
    await app.emulator.setOutcome(created.paymentId, 'DECLINED');
    const capture = await findCapture(created.paymentId);
    expect(capture.summary).toMatchObject({ status: 'DECLINED', orderId: 'app-7' });
    expect(capture.verification.verdict).toBe('valid');
  });

  it('explains bad payment input and unknown ids readably', async () => {
    const bad = await json<{ error: { code: string; message: string } }>(app.api('/api/payments', { method: 'POST', body: '{"amount":0}' }), 400);
    expect(bad.error.message).toMatch(/amount is required: a number greater than 0/);
    const foreign = await json<{ error: { code: string; message: string } }>(app.api('/api/payments', { method: 'POST', body: '{"amount":5,"terminalId":"NOPE"}' }), 400);
    expect(foreign.error).toEqual({ code: 'miapos_rejected', message: expect.stringMatching(/Pos terminal with id: \[NOPE\] not found/) });
    const unknown = await json<{ error: { code: string } }>(app.api('/api/payments/does-not-exist'), 404);
    expect(unknown.error.code).toBe('unknown_payment');
    const capture = await json<{ error: { code: string } }>(app.api('/api/captures/cap_nope'), 404);
    expect(capture.error.code).toBe('unknown_capture');
  });
});
