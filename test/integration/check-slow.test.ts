import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHandlerApp, type HandlerApp } from '../helpers/handlers/handler-app.ts';
import { allPassing, CASE_IDS, createHandlerPayment, hintOf, runCheckApi, verdictsOf } from '../helpers/handlers/check-run.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';

let app: TestInstance;
let handler: HandlerApp;

beforeAll(async () => {
  app = await startTestInstance({ args: ['--emulator-ttl', '100000'] });
  handler = await startHandlerApp({ emulatorUrl: app.emulator.url, credentials: app.emulator.credentials, delayMs: 150 });
  await createHandlerPayment(app, handler.url, 1775);
});
afterAll(async () => {
  await handler?.close();
  await app?.close();
});

describe('miahook check: a slow handler', () => {
  it('warns when the genuine callback is answered after the warn limit, without failing the check', async () => {
    const report = await runCheckApi(app, { handlerUrl: handler.url, timing: { warnMs: 100, failMs: 1000 } });
    expect(report.limits).toEqual({ warnMs: 100, failMs: 1000 });
    expect(verdictsOf(report)).toEqual({ ...allPassing(), genuine: 'warn' });
    const genuine = report.cases.find((item) => item.id === 'genuine')!;
    expect(genuine.expected).toBe('2xx within 100 ms');
    expect(genuine.durationMs).toBeGreaterThanOrEqual(150);
    expect(genuine.hint).toContain('answer 2xx first and do slow work');
    expect(report.ok).toBe(true);
  });

  it('fails at the fail limit and skips the rest instead of waiting on every case', async () => {
    handler.setDelay(5_000);
    const report = await runCheckApi(app, { handlerUrl: handler.url, timing: { warnMs: 100, failMs: 300 } });
    handler.setDelay(150);
    expect(verdictsOf(report)).toEqual(Object.fromEntries(CASE_IDS.map((id) => [id, id === 'genuine' ? 'fail' : 'skip'])));
    expect(report.cases[0]!.got).toBe('no answer: timeout after 300 ms');
    expect(hintOf(report, 'genuine')).toContain('no answer within 300 ms');
    expect(hintOf(report, 'duplicate')).toContain('the genuine callback got no answer');
    expect(report.ok).toBe(false);
    expect(report.durationMs).toBeLessThan(3_000);
  });
});

describe('miahook check: a handler that is not running', () => {
  it('fails the genuine case with "is your app running" and sends nothing more', async () => {
    const down = await startHandlerApp({ emulatorUrl: app.emulator.url, credentials: app.emulator.credentials });
    await createHandlerPayment(app, down.url, 1775);
    await down.close();
    const report = await runCheckApi(app, { handlerUrl: down.url });
    expect(verdictsOf(report).genuine).toBe('fail');
    expect(hintOf(report, 'genuine')).toContain('is your app running');
    expect(report.counts.skip).toBe(CASE_IDS.length - 1);
    expect(report.cases.filter((item) => item.deliveryId !== null)).toHaveLength(1);
  });
});
