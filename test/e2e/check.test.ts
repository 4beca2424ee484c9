// End to end in Debian chromium: the go-live check tab runs POST /api/check against a real (flawed) handler and shows
// the CLI's table, verdicts, hints and the not-ready banner; refusals (no payment, unknown payment) read as text;
// the last handler URL survives a reload; a read-only share has no check tab.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type BrowserSession } from '../helpers/browser.ts';
import { allPassing, CASE_IDS, createHandlerPayment } from '../helpers/handlers/check-run.ts';
import { startHandlerApp, type HandlerApp } from '../helpers/handlers/handler-app.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';

let browser: BrowserSession;
let instance: TestInstance;
let handler: HandlerApp;
let paymentId: string;

beforeAll(async () => {
  browser = await launchBrowser({ width: 1440, height: 900 });
  instance = await startTestInstance({ args: ['--emulator-ttl', '100000'] });
  // Signs the amount as written in the JSON: "12.5" breaks its sign string.
  handler = await startHandlerApp({ emulatorUrl: instance.emulator.url, credentials: instance.emulator.credentials, amount: 'as-written' });
  paymentId = await createHandlerPayment(instance, handler.url, 12.5, 'e2e-check-1');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await handler?.close();
  await instance?.close();
});

async function openCheckTab(page: Page): Promise<void> {
  await page.goto(instance.openUrl);
  await page.locator('[data-live="live"]').waitFor();
  await page.click('[data-tab="check"]');
  await page.getByTestId('check-form').waitFor();
}

async function readVerdicts(page: Page): Promise<Record<string, string>> {
  const rows = await page.locator('tr[data-case]').evaluateAll((elements) => elements.map((row) => [row.getAttribute('data-case'), row.getAttribute('data-verdict')]));
  return Object.fromEntries(rows);
}

describe('the go-live check tab', () => {
  it('runs the check against a handler that signs the amount as written and shows the table and the not-ready banner', async () => {
    const { page } = browser;
    await openCheckTab(page);
    const form = page.getByTestId('check-form');
    await form.locator('input[name="handlerUrl"]').fill(handler.url);

    // Slow accepted answers keep the run going long enough to see its busy state.
    handler.setDelay(150);
    await form.getByRole('button', { name: 'Run check' }).click();
    const busy = form.getByRole('button', { name: 'Running…' });
    await busy.waitFor();
    expect(await busy.isDisabled()).toBe(true);
    await page.getByTestId('check-progress').waitFor();

    const banner = page.getByTestId('check-banner');
    await banner.waitFor();
    handler.setDelay(0);
    expect(await banner.getAttribute('data-ready')).toBe('no');
    expect(await banner.textContent()).toContain('Not ready: 1 required case failed.');
    expect(await form.getByRole('button', { name: 'Run check' }).isEnabled()).toBe(true);

    expect(await page.locator('tr[data-case]').count()).toBe(CASE_IDS.length);
    expect(await readVerdicts(page)).toEqual({ ...allPassing(), 'amount-one-decimal': 'fail', 'amount-no-decimals': 'skip' });

    const oneDecimal = page.locator('tr[data-case="amount-one-decimal"]');
    expect(await oneDecimal.locator('.check-name').textContent()).toBe('Amount with one decimal');
    expect(await oneDecimal.locator('[data-verdict="fail"]').textContent()).toBe('FAIL');
    expect(await oneDecimal.locator('.check-got').textContent()).toMatch(/^HTTP 400 in \d+ ms$/);
    expect(await page.locator('[data-hint-for="amount-one-decimal"]').textContent())
      .toContain('you format amount from the float or as written: the sign string needs exactly two decimals (12.50)');
    expect(await page.locator('[data-hint-for="amount-no-decimals"]').textContent()).toContain('cannot be written');
    expect(await page.locator('tr[data-case="status-downgrade"] .check-verdict').textContent()).toBe('ASK');
    expect(await page.locator('[data-hint-for="genuine"]').count()).toBe(0);

    expect(await page.getByTestId('check-summary').textContent()).toMatch(/^16 passed, 1 failed, 0 warnings, 1 to look at, 1 skipped \(.+\)\.$/);
    const payment = await page.getByTestId('check-payment').textContent();
    expect(payment).toContain(paymentId);
    expect(payment).toContain('order e2e-check-1, 12.50 MDL; the newest emulator payment with this callbackUrl');

    // Each sent request came through the live stream: a row opens its exchange.
    await page.locator('tr[data-case="amount-one-decimal"]').getByRole('button', { name: 'Exchange' }).click();
    const exchange = page.locator('tr.check-exchange');
    await exchange.waitFor();
    expect(await exchange.textContent()).toContain('HTTP 400');
    expect(await exchange.textContent()).toContain('"amount":12.5');

    expect(browser.errors).toEqual([]);
  });

  it('shows why the check did not run: the steps to make a payment, an unknown payment id', async () => {
    const { page } = browser;
    await openCheckTab(page);
    const form = page.getByTestId('check-form');
    const unpaid = new URL('/nobody-paid-here', handler.url).href;
    const receivedBefore = handler.received();
    await form.locator('input[name="handlerUrl"]').fill(unpaid);
    await form.getByRole('button', { name: 'Run check' }).click();

    const problem = page.locator('[data-testid="check-error"][data-code="no_payment"]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('No emulator payment to build callbacks from');
    const steps = (await problem.locator('pre').textContent())!;
    expect(steps).toContain(`No emulator payment has callbackUrl ${unpaid}`);
    expect(steps).toContain(`\n  1. Point your app's miaPOS base URL at the emulator, ${instance.emulator.url}`);
    expect(steps).toContain(`"callbackUrl": "${unpaid}"`);
    expect(steps).toContain(`The newest emulator payments send their callbacks to: ${handler.url}`);
    expect(await page.getByTestId('check-report').count()).toBe(0);
    expect(handler.received()).toBe(receivedBefore);

    await form.locator('input[name="paymentId"]').fill('pay-none-such');
    await form.getByRole('button', { name: 'Run check' }).click();
    const unknown = page.locator('[data-testid="check-error"][data-code="unknown_payment"]');
    await unknown.waitFor();
    expect(await unknown.locator('pre').textContent()).toContain('The emulator has no payment pay-none-such.');

    // The last handler URL is remembered across a reload.
    await openCheckTab(page);
    expect(await page.locator('input[name="handlerUrl"]').inputValue()).toBe(unpaid);
    // Chromium logs every refused request; nothing else went wrong on the page.
    expect(browser.errors.filter((line) => !/Failed to load resource: .* (409|404) /.test(line))).toEqual([]);
    expect(browser.errors).toHaveLength(2);
  });

  it('says ready for a correct handler, with the ASK question left to the developer', async () => {
    const correct = await startHandlerApp({ emulatorUrl: instance.emulator.url, credentials: instance.emulator.credentials });
    try {
      await createHandlerPayment(instance, correct.url, 1775, 'e2e-check-2');
      const { page } = browser;
      await openCheckTab(page);
      const form = page.getByTestId('check-form');
      await form.locator('input[name="handlerUrl"]').fill(correct.url);
      await form.locator('input[name="paymentId"]').fill('');
      await form.getByRole('button', { name: 'Run check' }).click();
      const banner = page.locator('[data-testid="check-banner"][data-ready="yes"]');
      await banner.waitFor();
      expect(await banner.textContent()).toBe('Ready: every required case holds. Answer the questions marked ASK yourself: the HTTP answer alone cannot show them.');
      expect(await readVerdicts(page)).toEqual(allPassing());
      expect(await page.locator('[data-hint-for="status-downgrade"]').count()).toBe(1);
    } finally {
      await correct.close();
    }
  });

  it('is not offered in a read-only share', async () => {
    const created = await instance.api('/api/share', { method: 'POST', body: JSON.stringify({ ttlSeconds: 600 }) });
    expect(created.status).toBe(201);
    const { url } = (await created.json()) as { url: string };
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.getByText('Read-only shared view').waitFor();
    await page.locator('[data-tab="captures"]').waitFor();
    expect(await page.locator('[data-tab="check"]').count()).toBe(0);
    await page.close();
  });
});
