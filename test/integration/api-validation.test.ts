// Every inspector route checks the types of what it is sent: a wrong type, a repeated or unknown query
// parameter is a 400 naming the field, and nothing is stored.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusResponse } from '../../shared/api.ts';
import { startMerchantApp, type MerchantApp } from '../helpers/merchant-app.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';

let app: TestInstance;
let merchant: MerchantApp;
let captureId: string;

beforeAll(async () => {
  merchant = await startMerchantApp({ status: 200, body: 'ok' });
  app = await startTestInstance({ args: ['--forward-to', `${merchant.url}/miapos/callback`, '--respond', 'accept'] });
  await app.api('/api/forwarding', { method: 'POST', body: '{"target":null}' });
  const answer = await fetch(app.callbackUrl, { method: 'POST', body: '{"result":{}}', headers: { 'content-type': 'application/json' } });
  captureId = ((await answer.json()) as { id: string }).id;
});
afterAll(async () => {
  await app.close();
  await merchant.close();
});

async function counts() {
  return ((await (await app.api('/api/status')).json()) as StatusResponse).counts;
}

async function expectRefused(path: string, init: RequestInit, field: string) {
  const response = await app.api(path, init);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(response.status, `${init.method ?? 'GET'} ${path}`).toBe(400);
  expect(body.error.code).toBe('invalid_field');
  expect(body.error.message).toContain(`"${field}"`);
}

describe('request validation', () => {
  it('refuses replay bodies of the wrong type and stores no delivery', async () => {
    const before = await counts();
    const sentBefore = merchant.requests.length;
    for (const [body, field] of [['{"target":123}', 'target'], ['{"body":123}', 'body'], ['{"resign":"yes"}', 'resign'], ['{"preset":5}', 'preset'], ['{"headers":[["a",1]]}', 'headers']] as const) {
      await expectRefused(`/api/captures/${captureId}/replay`, { method: 'POST', body }, field);
    }
    const list = await app.api(`/api/captures/${captureId}/replay`, { method: 'POST', body: '[1]' });
    expect(list.status).toBe(400);
    expect(((await list.json()) as { error: { message: string } }).error.message).toBe('The body must be a JSON object, not a list.');
    expect(await counts()).toEqual(before);
    expect(merchant.requests.length).toBe(sentBefore);
  });

  it('keeps the JSON export importable (no delivery with a non-string target)', async () => {
    await app.api(`/api/captures/${captureId}/replay`, { method: 'POST', body: '{"target":123}' });
    const exported = await (await app.api('/api/export?format=json')).text();
    const imported = await app.api('/api/import?source=roundtrip', { method: 'POST', body: exported });
    expect(imported.status).toBe(200);
  });

  it.each([
    ['/api/captures?limit[]=5', 'limit[]'],
    ['/api/captures?q[]=x', 'q[]'],
    ['/api/captures?limit=1&limit=2', 'limit'],
    ['/api/captures?q=a&q=b', 'q'],
    ['/api/captures?limit=abc', 'limit'],
    ['/api/captures?verdict=maybe', 'verdict'],
    ['/api/captures?sort=asc', 'sort'],
    ['/api/export?format[]=json', 'format[]'],
    ['/api/export?format=xml', 'format'],
  ])('refuses the query %s naming %s', async (path, field) => {
    await expectRefused(path, {}, field);
  });

  it('reads good queries as before', async () => {
    const page = await app.api(`/api/captures?limit=1&q=${captureId}&verdict=`);
    expect(page.status).toBe(200);
    expect(((await page.json()) as { items: Array<{ id: string }> }).items.map((item) => item.id)).toEqual([captureId]);
  });

  it.each([
    ['/api/payments', '{"amount":"12.5"}', 'amount'],
    ['/api/payments', '{"amount":5,"orderId":7}', 'orderId'],
    ['/api/payments', '{"amount":5,"callbackUrl":["http://127.0.0.1/"]}', 'callbackUrl'],
    ['/api/payments', '{"amount":5,"paymentType":"card"}', 'paymentType'],
    ['/api/payments/x/simulate', '{"status":5}', 'status'],
    ['/api/forwarding', '{"target":5}', 'target'],
    ['/api/share', '{"ttlSeconds":"600"}', 'ttlSeconds'],
    ['/api/check', '{"handlerUrl":5}', 'handlerUrl'],
    ['/api/check', '{"handlerUrl":"http://127.0.0.1:1/","timing":{"failMs":"1"}}', 'timing.failMs'],
  ])('refuses POST %s %s', async (path, body, field) => {
    const before = await counts();
    await expectRefused(path, { method: 'POST', body }, field);
    expect(await counts()).toEqual(before);
  });
});
