import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../shared/check-report.ts';
import { startHandlerApp, type HandlerApp } from '../helpers/handlers/handler-app.ts';
import { allPassing, callCheck, CASE_IDS, createHandlerPayment, runCheckApi, verdictsOf } from '../helpers/handlers/check-run.ts';
import { runCli } from '../helpers/run-cli.ts';
import { connectStream, isType } from '../helpers/ws-client.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';

let app: TestInstance;
let handler: HandlerApp;

beforeAll(async () => {
  app = await startTestInstance({ args: ['--emulator-ttl', '100000'] });
  handler = await startHandlerApp({ emulatorUrl: app.emulator.url, credentials: app.emulator.credentials });
});
afterAll(async () => {
  await handler?.close();
  await app?.close();
});

describe('miahook check: before any payment', () => {
  it('says exactly how to make a payment (API 409, CLI exit 2)', async () => {
    const api = await callCheck(app, { handlerUrl: handler.url });
    expect(api.status).toBe(409);
    expect(api.body).toMatchObject({ error: { code: 'no_payment' } });
    const run = await runCli(['check', handler.url, '--data-dir', app.config.dataDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`No emulator payment has callbackUrl ${handler.url}`);
    expect(run.stderr).toContain(`Point your app's miaPOS base URL at the emulator, ${app.emulator.url}`);
    expect(run.stderr).toContain(app.emulator.credentials.merchantId);
    expect(run.stderr).toContain(`"callbackUrl": "${handler.url}"`);
    expect(run.stderr).toContain('--payment <paymentId>');
    expect(run.stderr).not.toContain(app.emulator.credentials.secretKey);
    expect(handler.received()).toBe(0);
  });

  it('refuses bad usage before sending anything', async () => {
    expect((await callCheck(app, {})).status).toBe(400);
    expect(await callCheck(app, { handlerUrl: 'http://169.254.169.254/latest' })).toMatchObject({ status: 400, body: { error: { code: 'forbidden_target' } } });
    expect(await callCheck(app, { handlerUrl: 'http://example.com/callback' })).toMatchObject({ status: 400, body: { error: { code: 'forbidden_target' } } });
    expect(await callCheck(app, { handlerUrl: handler.url, paymentId: 'nope' })).toMatchObject({ status: 404, body: { error: { code: 'unknown_payment' } } });
    expect(await callCheck(app, { handlerUrl: handler.url, timing: { failMs: 120_000 } })).toMatchObject({ status: 400, body: { error: { code: 'bad_check_request' } } });
    const noUrl = await runCli(['check', '--data-dir', app.config.dataDir]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('miahook check <handler-url>');
    expect(handler.received()).toBe(0);
  });
});

describe('miahook check: a correct handler', () => {
  let paymentId: string;
  beforeAll(async () => {
    paymentId = await createHandlerPayment(app, handler.url, 1775, '108');
  });

  it('passes every case through the API, and the order stays paid after the downgrade', async () => {
    const stream = await connectStream(app.inspectorUrl, app.token);
    const report = await runCheckApi(app, { handlerUrl: handler.url });
    const streamed = await stream.next((message): message is Extract<typeof message, { type: 'delivery' }> => message.type === 'delivery' && message.delivery.kind === 'check');
    expect(streamed.delivery).toMatchObject({ paymentId, request: { preset: 'check:genuine' }, response: { status: 200 } });
    expect((await stream.next(isType('notice'))).message).toContain(`Check of ${handler.url}: 18 passed, 0 failed`);
    await stream.close();
    expect(report.payment).toMatchObject({ paymentId, orderId: '108', amount: '1775.00', currency: 'MDL', chosenBy: 'newest-for-handler', callbackUrl: handler.url });
    expect(verdictsOf(report)).toEqual(allPassing());
    expect(report.ok).toBe(true);
    expect(report.counts).toEqual({ pass: CASE_IDS.length - 1, fail: 0, warn: 0, question: 1, skip: 0 });
    expect(report.cases.find((item) => item.id === 'status-downgrade')!.hint).toContain('did your handler ignore it?');
    expect(report.cases.find((item) => item.id === 'amount-one-decimal')!.sent).toContain('1775.0 ');
    expect(report.cases.find((item) => item.id === 'amount-no-decimals')!.sent).toContain('1775 ');
    expect(handler.orders.get(paymentId)).toBe('SUCCESS');
    // Every request is recorded as a delivery of kind 'check', linked to the payment.
    const deliveries = app.store.deliveries.listRecent({ kind: 'check', limit: 100 });
    expect(deliveries).toHaveLength(CASE_IDS.length);
    expect(deliveries.every((delivery) => delivery.paymentId === paymentId && delivery.target === handler.url)).toBe(true);
    expect(new Set(report.cases.map((item) => item.deliveryId))).toEqual(new Set(deliveries.map((delivery) => delivery.id)));
    const genuine = deliveries.find((delivery) => delivery.request.preset === 'check:genuine')!;
    expect(genuine.request.verification?.verdict).toBe('valid');
    expect(genuine.request.headers).toContainEqual(['Content-Type', 'application/json']);
    const tampered = deliveries.find((delivery) => delivery.request.preset === 'check:tampered-amount')!;
    expect(tampered.request.verification?.verdict).toBe('invalid');
    expect(tampered.response?.status).toBe(400);
  });

  it('passes through the real CLI (exit 0), prints the table and writes JUnit XML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'miahook-check-'));
    const run = await runCli(['check', handler.url, '--data-dir', app.config.dataDir, '--junit', 'report.xml'], { cwd: dir });
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Payment   ${paymentId} (order 108, 1775.00 MDL`);
    expect(run.stdout).toMatch(/Genuine callback \(SUCCESS\)\s+2xx within 5 s\s+HTTP 200 in \d+ ms\s+pass/);
    expect(run.stdout).toMatch(/Amount changed, not re-signed\s+4xx\s+HTTP 400 in \d+ ms\s+pass/);
    expect(run.stdout).toContain('Every required case holds.');
    const xml = await readFile(join(dir, 'report.xml'), 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(CASE_IDS.length);
    expect(xml).toMatch(/<testsuite [^>]*failures="0"/);
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('QUESTION: ');
  });

  it('takes --payment and --json', async () => {
    const other = await createHandlerPayment(app, 'http://127.0.0.1:9/elsewhere', 12.5);
    const run = await runCli(['check', handler.url, '--payment', other, '--json', '--data-dir', app.config.dataDir]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as CheckReport;
    expect(report.payment).toMatchObject({ paymentId: other, amount: '12.50', chosenBy: 'flag', callbackUrl: 'http://127.0.0.1:9/elsewhere' });
    // 12.50 has a one-decimal form (12.5) but no form without decimals: that case is skipped, not failed.
    expect(verdictsOf(report)).toEqual({ ...allPassing(), 'amount-no-decimals': 'skip' });
    expect(report.cases.find((item) => item.id === 'amount-no-decimals')!.hint).toContain('cannot be written without decimals and keep its value');
    const unknown = await runCli(['check', handler.url, '--payment', 'missing-id', '--data-dir', app.config.dataDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('The emulator has no payment missing-id');
  });
});
