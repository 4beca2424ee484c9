import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHandlerApp, type HandlerApp, type HandlerOptions } from '../helpers/handlers/handler-app.ts';
import { allPassing, createHandlerPayment, hintOf, runCheckApi, verdictsOf } from '../helpers/handlers/check-run.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';

let app: TestInstance;
const handlers: HandlerApp[] = [];

beforeAll(async () => {
  app = await startTestInstance({ args: ['--emulator-ttl', '100000'] });
});
afterAll(async () => {
  await Promise.all(handlers.map((handler) => handler.close()));
  await app?.close();
});

async function startHandler(options: Partial<HandlerOptions>): Promise<HandlerApp> {
  const handler = await startHandlerApp({ emulatorUrl: app.emulator.url, credentials: app.emulator.credentials, ...options });
  handlers.push(handler);
  return handler;
}

const TAMPERED = ['tampered-amount', 'tampered-currency', 'tampered-orderId', 'tampered-status'] as const;
const SIGNATURE = ['signature-other-key', 'signature-missing', 'signature-empty', 'signature-not-base64'] as const;
const BAD_INPUT = ['body-not-json', 'result-missing', 'result-not-object'] as const;

describe('miahook check: a handler that accepts everything', () => {
  it('fails every forged and malformed case, naming the missing verification (API and CLI with --junit)', async () => {
    const handler = await startHandler({ verify: false });
    await createHandlerPayment(app, handler.url, 1775);
    const report = await runCheckApi(app, { handlerUrl: handler.url });
    const failing = [...TAMPERED, ...SIGNATURE, ...BAD_INPUT];
    expect(verdictsOf(report)).toEqual({ ...allPassing(), ...Object.fromEntries(failing.map((id) => [id, 'fail'])) });
    expect(report.ok).toBe(false);
    expect(hintOf(report, 'tampered-amount')).toBe('your handler does not verify the signature, or verifies it over a string that leaves amount out');
    expect(hintOf(report, 'tampered-status')).toContain('leaves status out');
    expect(hintOf(report, 'signature-other-key')).toContain('does not verify signatures at all');
    expect(hintOf(report, 'body-not-json')).toContain('answers 2xx to a body that is not JSON');

    const dir = await mkdtemp(join(tmpdir(), 'miahook-check-'));
    const run = await runCli(['check', handler.url, '--data-dir', app.config.dataDir, '--junit', join(dir, 'junit.xml')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Amount changed, not re-signed\s+4xx\s+HTTP 200 in \d+ ms\s+FAIL\n\s+-> your handler does not verify the signature/);
    expect(run.stdout).toContain(`Not ready: ${failing.length} required cases failed.`);
    const xml = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(report.cases.length);
    expect(xml.match(/<failure /g)).toHaveLength(failing.length);
    expect(xml).toMatch(new RegExp(`<testsuite [^>]*tests="${report.cases.length}" failures="${failing.length}"`));
  });
});

describe('miahook check: a handler that signs the amount as written', () => {
  it('fails the one-decimal amount with the formatting hint; amounts with no other form are skipped', async () => {
    const handler = await startHandler({ amount: 'as-written' });
    const paymentId = await createHandlerPayment(app, handler.url, 12.5);
    const report = await runCheckApi(app, { handlerUrl: handler.url });
    expect(report.payment.paymentId).toBe(paymentId);
    expect(verdictsOf(report)).toEqual({ ...allPassing(), 'amount-one-decimal': 'fail', 'amount-no-decimals': 'skip' });
    expect(hintOf(report, 'amount-one-decimal')).toBe('you format amount from the float or as written: the sign string needs exactly two decimals (12.50)');
    expect(report.cases.find((item) => item.id === 'amount-one-decimal')!.sent).toContain('amount written 12.5 in the JSON');

    const round = await createHandlerPayment(app, handler.url, 100);
    const roundReport = await runCheckApi(app, { handlerUrl: handler.url, paymentId: round });
    expect(verdictsOf(roundReport)).toEqual({ ...allPassing(), 'amount-one-decimal': 'fail', 'amount-no-decimals': 'fail' });
    expect(hintOf(roundReport, 'amount-no-decimals')).toContain('exactly two decimals (100.00)');

    const cents = await createHandlerPayment(app, handler.url, 12.34);
    const centsReport = await runCheckApi(app, { handlerUrl: handler.url, paymentId: cents });
    expect(verdictsOf(centsReport)).toEqual({ ...allPassing(), 'amount-one-decimal': 'skip', 'amount-no-decimals': 'skip' });
    expect(centsReport.ok).toBe(true);
  });
});

describe('miahook check: a handler with a hard-coded field list', () => {
  it('fails the extra field, absent optional fields and the extra ";" field, blaming the list', async () => {
    const handler = await startHandler({ fields: 'fixed' });
    await createHandlerPayment(app, handler.url, 250);
    const report = await runCheckApi(app, { handlerUrl: handler.url });
    expect(verdictsOf(report)).toEqual({ ...allPassing(), 'extra-field': 'fail', 'optional-fields-absent': 'fail', 'separator-and-non-ascii': 'fail' });
    expect(hintOf(report, 'extra-field')).toBe('a hard-coded field list: sign every key of result (sorted by key), known or not');
    expect(hintOf(report, 'optional-fields-absent')).toContain('miaPOS leaves null fields out');
    expect(hintOf(report, 'separator-and-non-ascii')).toContain('probably the same hard-coded field list');
  });
});

describe('miahook check: a handler that crashes on bad input', () => {
  it('fails the cases it answers with 500, with the crash hint', async () => {
    const handler = await startHandler({ crashOnBadInput: true });
    await createHandlerPayment(app, handler.url, 1775);
    const report = await runCheckApi(app, { handlerUrl: handler.url });
    expect(verdictsOf(report)).toEqual({ ...allPassing(), 'body-not-json': 'fail', 'result-missing': 'fail', 'signature-missing': 'fail' });
    for (const id of ['body-not-json', 'result-missing', 'signature-missing']) {
      const row = report.cases.find((item) => item.id === id)!;
      expect(row.status).toBe(500);
      expect(row.hint).toContain('your handler crashes on bad input');
    }
  });
});

describe('miahook check: a handler that escapes ";" inside values', () => {
  it('fails only the ";" case, with the joining hint (the extra-field case passed)', async () => {
    const handler = await startHandler({ values: 'escaped' });
    await createHandlerPayment(app, handler.url, 1775);
    const report = await runCheckApi(app, { handlerUrl: handler.url });
    expect(verdictsOf(report)).toEqual({ ...allPassing(), 'separator-and-non-ascii': 'fail' });
    expect(hintOf(report, 'separator-and-non-ascii')).toBe("values are joined with ';' as they are: do not escape or split them, and sign the string's UTF-8 bytes");
  });
});
