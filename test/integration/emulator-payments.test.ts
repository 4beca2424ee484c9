// The emulator's pay, request-to-pay and payment-state endpoints: answers, validation messages, both error styles.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../server/emulator/index.ts';
import { waitFor } from '../helpers/wait-for.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<EmulatorOptions> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'miahook-emu-'));
  const emulator = await startEmulator({ dataDir, port: 0, ...options });
  cleanups.push(async () => {
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const { merchantId, secretKey } = emulator.credentials;
  const token = (await (await fetch(`${emulator.url}/ecomm/api/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ merchantId, secretKey }) })).json()) as { accessToken: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token.accessToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, any>) : null };
  };
  return { emulator, call };
}

function payBody(emulator: EmulatorHandle, extra: Record<string, unknown> = {}) {
  return { terminalId: emulator.credentials.terminalId, orderId: '108', amount: 1775, currency: 'MDL', payDescription: 'Order 108', language: 'ro', ...extra };
}

describe('POST /pay and GET /payment/{id}', () => {
  it('registers a QR payment and reports its state with amount in two decimals and no null fields', async () => {
    const { emulator, call } = await setup();
    const created = await call('POST', '/ecomm/api/v1/pay', payBody(emulator, { callbackUrl: 'http://127.0.0.1:9/cb', clientEmail: null }));
    expect(created.status).toBe(200);
    expect(Object.keys(created.json!)).toEqual(['orderId', 'paymentId', 'checkoutPage']);
    expect(created.json!.orderId).toBe('108');
    expect(created.json!.checkoutPage).toBe(`${emulator.url}/checkout?paymentId=${created.json!.paymentId}`);
    const state = await call('GET', `/ecomm/api/v1/payment/${created.json!.paymentId}`);
    expect(state.status).toBe(200);
    expect(state.text).toContain('"amount":1775.00,');
    expect(state.text).not.toContain('null');
    expect(Object.keys(state.json!)).toEqual(['terminalId', 'orderId', 'paymentId', 'status', 'amount', 'currency', 'paymentType', 'paymentDate', 'checkoutPage']);
    expect(state.json).toMatchObject({ terminalId: emulator.credentials.terminalId, orderId: '108', paymentId: created.json!.paymentId, status: 'CREATED', currency: 'MDL', paymentType: 'qr' });
    expect(state.json!.paymentDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it('writes paymentDate as Chisinau wall-clock time without an offset', async () => {
    const { emulator, call } = await setup();
    const created = await call('POST', '/ecomm/api/v1/pay', payBody(emulator));
    const state = await call('GET', `/ecomm/api/v1/payment/${created.json!.paymentId}`);
    const expected = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Chisinau', dateStyle: 'short', timeStyle: 'medium' }).format(new Date()).replace(' ', 'T');
    const asUtcMs = (text: string) => Date.parse(`${text}Z`);
    expect(Math.abs(asUtcMs(state.json!.paymentDate as string) - asUtcMs(expected))).toBeLessThan(5000);
  });

  it('keeps amounts exact: 12.5 is written 12.50', async () => {
    const { emulator, call } = await setup();
    const created = await call('POST', '/ecomm/api/v1/pay', payBody(emulator, { amount: 12.5 }));
    expect((await call('GET', `/ecomm/api/v1/payment/${created.json!.paymentId}`)).text).toContain('"amount":12.50,');
  });

  it('makes a new payment for every call, even with the same orderId', async () => {
    const { emulator, call } = await setup();
    const first = await call('POST', '/ecomm/api/v1/pay', payBody(emulator));
    const second = await call('POST', '/ecomm/api/v1/pay', payBody(emulator));
    expect(first.json!.paymentId).not.toBe(second.json!.paymentId);
    for (const created of [first, second]) expect((await call('GET', `/ecomm/api/v1/payment/${created.json!.paymentId}`)).json!.orderId).toBe('108');
  });

  it('answers an unknown payment id with 400, not 404', async () => {
    const { call } = await setup();
    const res = await call('GET', '/ecomm/api/v1/payment/no-such-id');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ errorCode: '1', errorMessage: 'Ecomm payment info not found with payment id [no-such-id]' });
  });

  it('accepts a non-MDL currency, and the payment ends FAILED', async () => {
    const { emulator, call } = await setup({ speed: 100 });
    const created = await call('POST', '/ecomm/api/v1/pay', payBody(emulator, { currency: 'EUR' }));
    expect(created.status).toBe(200);
    const final = await waitFor(async () => {
      const state = await call('GET', `/ecomm/api/v1/payment/${created.json!.paymentId}`);
      return state.json!.status !== 'CREATED' ? state.json! : null;
    });
    expect(final).toMatchObject({ status: 'FAILED', currency: 'EUR' });
    expect(final.swiftMessageId).toBeUndefined();
  });
});

describe('POST /request-to-pay/direct', () => {
  it('registers an RTP payment on the RTP terminal without a checkout page', async () => {
    const { emulator, call } = await setup({ autoPay: false });
    const created = await call('POST', '/ecomm/api/v1/request-to-pay/direct', payBody(emulator, { terminalId: emulator.credentials.rtpTerminalId, clientName: 'Ion', clientPhone: '+37360000000' }));
    expect(created.status).toBe(200);
    expect(Object.keys(created.json!)).toEqual(['orderId', 'paymentId']);
    const state = await call('GET', `/ecomm/api/v1/payment/${created.json!.paymentId}`);
    expect(state.json).toMatchObject({ paymentType: 'rtp', terminalId: emulator.credentials.rtpTerminalId, status: 'CREATED' });
    expect(state.json!.checkoutPage).toBeUndefined();
  });
});

describe('validation (observed style)', () => {
  it('answers each rule with HTTP 400 {errorCode:"1", errorMessage} as observed', async () => {
    const { emulator, call } = await setup();
    const { terminalId, rtpTerminalId } = emulator.credentials;
    const rtp = { terminalId: rtpTerminalId, clientName: 'Ion', clientPhone: '+37360000000' };
    const cases: Array<[string, string, Record<string, unknown>, string]> = [
      ['pay', 'missing terminalId', payBody(emulator, { terminalId: undefined }), "Field 'terminalId' with value 'null' failed validation, reason - terminalId is required."],
      ['pay', 'null orderId', payBody(emulator, { orderId: null }), "Field 'orderId' with value 'null' failed validation, reason - orderId is required."],
      ['pay', 'missing amount', payBody(emulator, { amount: undefined }), "Field 'amount' with value 'null' failed validation, reason - amount is required."],
      ['pay', 'missing currency', payBody(emulator, { currency: undefined }), "Field 'currency' with value 'null' failed validation, reason - currency is required."],
      ['pay', 'blank payDescription', payBody(emulator, { payDescription: '' }), "Field 'payDescription' with value '' failed validation, reason - payDescription is required."],
      ['pay', 'zero amount', payBody(emulator, { amount: 0 }), "Field 'amount' with value '0' failed validation, reason - must be greater than 0."],
      ['pay', 'negative amount', payBody(emulator, { amount: -5 }), "Field 'amount' with value '-5' failed validation, reason - must be greater than 0."],
      ['pay', 'text amount', payBody(emulator, { amount: 'abc' }), "Field 'amount' with value 'abc' failed validation, reason - must be a number."],
      ['pay', 'three decimals', payBody(emulator, { amount: 1.005 }), "Field 'amount' with value '1.005' failed validation, reason - numeric value out of bounds (<12 digits>.<2 digits> expected)."],
      ['pay', 'unknown terminal', payBody(emulator, { terminalId: 'NOPE' }), 'Pos terminal with id: [NOPE] not found'],
      ['pay', 'QR on the RTP terminal', payBody(emulator, { terminalId: rtpTerminalId }), `The terminal type must be [ecomm] when the payment type is [QR]. Current terminal type: [rtp].`],
      ['pay', 'RTP type on the QR terminal', payBody(emulator, { terminalId, paymentType: 'rtp' }), `The terminal type must be [rtp] when the payment type is [RTP]. Current terminal type: [ecomm].`],
      ['pay', 'bad language', payBody(emulator, { language: 'de' }), "Field 'language' with value 'de' failed validation, reason - must be one of [ro, ru, en]."],
      ['pay', 'bad paymentType', payBody(emulator, { paymentType: 'card' }), "Field 'paymentType' with value 'card' failed validation, reason - must be one of [qr, rtp]."],
      ['pay', 'bad callbackUrl', payBody(emulator, { callbackUrl: 'not a url' }), "Field 'callbackUrl' with value 'not a url' failed validation, reason - must be a valid URL."],
      ['pay', 'javascript successUrl', payBody(emulator, { successUrl: 'javascript:alert(1)' }), "Field 'successUrl' with value 'javascript:alert(1)' failed validation, reason - must be an http or https URL."],
      ['pay', 'non-boolean directRedirect', payBody(emulator, { directRedirect: 'yes' }), "Field 'directRedirect' with value 'yes' failed validation, reason - must be a boolean."],
      ['rtp', 'missing clientPhone', payBody(emulator, { ...rtp, clientPhone: undefined }), "Field 'clientPhone' with value 'null' failed validation, reason - clientPhone is required."],
      ['rtp', 'missing clientName', payBody(emulator, { ...rtp, clientName: undefined }), "Field 'clientName' with value 'null' failed validation, reason - clientName is required."],
      ['rtp', 'RTP on the QR terminal', payBody(emulator, { ...rtp, terminalId }), `The terminal type must be [rtp] when the payment type is [RTP]. Current terminal type: [ecomm].`],
    ];
    for (const [endpoint, name, body, message] of cases) {
      const res = await call('POST', endpoint === 'pay' ? '/ecomm/api/v1/pay' : '/ecomm/api/v1/request-to-pay/direct', body);
      expect([res.status, res.json], name).toEqual([400, { errorCode: '1', errorMessage: message }]);
    }
    const empty = await call('POST', '/ecomm/api/v1/pay');
    expect(empty.status).toBe(400);
    expect(empty.json!.errorMessage).toMatch(/body is missing/);
    expect(emulator.listDeliveries()).toEqual([]);
  });

  it('accepts a numeric orderId as its text, as the real service does', async () => {
    const { emulator, call } = await setup();
    const created = await call('POST', '/ecomm/api/v1/pay', payBody(emulator, { orderId: 108 }));
    expect(created.json!.orderId).toBe('108');
  });
});

describe('validation (documented style)', () => {
  it('answers with {error:{code,message,requestId}} and the documented codes', async () => {
    const { emulator, call } = await setup({ errorStyle: 'documented' });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['zero amount', payBody(emulator, { amount: 0 }), 'INVALID_AMOUNT'],
      ['missing terminalId', payBody(emulator, { terminalId: undefined }), 'INVALID_REQUEST'],
      ['unknown terminal', payBody(emulator, { terminalId: 'NOPE' }), 'UNKNOWN_TERMINAL'],
      ['wrong terminal type', payBody(emulator, { terminalId: emulator.credentials.rtpTerminalId }), 'WRONG_TERMINAL_TYPE'],
    ];
    for (const [name, body, code] of cases) {
      const res = await call('POST', '/ecomm/api/v1/pay', body);
      expect(res.status, name).toBe(400);
      expect(Object.keys(res.json!), name).toEqual(['error']);
      expect(res.json!.error.code, name).toBe(code);
      expect(res.json!.error.message, name).toBeTruthy();
      expect(res.json!.error.requestId, name).toMatch(/^[0-9a-f-]{36}$/);
    }
    const unknown = await call('GET', '/ecomm/api/v1/payment/nope');
    expect(unknown.status).toBe(400);
    expect(unknown.json!.error).toMatchObject({ code: 'UNKNOWN_PAYMENT', message: 'Ecomm payment info not found with payment id [nope]' });
  });
});
