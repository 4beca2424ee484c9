// End to end in Debian chromium: the share panel shows the tunnel password (the relay plays the public server's
// reminder page, which stops the browser until the bypass); "Share this capture" copies a one-capture link whose page
// shows the same signature panel and diagnosis as the inspector.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureDetail, CaptureListResponse } from '../../shared/api.ts';
import type { PaymentRecord } from '../../shared/records.ts';
import { launchBrowser, type BrowserSession } from '../helpers/browser.ts';
import { startRelay, type Relay } from '../helpers/lt-relay.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PASSWORD = '192.0.2.55';
let browser: BrowserSession;
let relay: Relay;
let instance: TestInstance;

async function json<T>(response: Promise<Response>, status = 200): Promise<T> {
  const answer = await response;
  const text = await answer.text();
  expect(answer.status, text).toBe(status);
  return JSON.parse(text) as T;
}

/** A genuine emulator callback, then a tampered copy of it: the copy is invalid, with a diagnosis. */
async function makeTamperedCapture(): Promise<string> {
  const payment = await json<PaymentRecord>(instance.api('/api/payments', { method: 'POST', body: JSON.stringify({ amount: 30, orderId: 'e2e-share-1', callbackUrl: `${instance.ingressUrl}/callback` }) }), 201);
  await instance.api(`/api/payments/${payment.paymentId}/simulate`, { method: 'POST', body: '{"status":"SUCCESS"}' });
  const valid = await waitFor(async () => (await json<CaptureListResponse>(instance.api('/api/captures?q=e2e-share-1'))).items[0], { timeoutMs: 10_000 });
  const stored = await json<CaptureDetail>(instance.api(`/api/captures/${valid.id}`));
  const tampered = Buffer.from(stored.bodyBase64, 'base64').toString('utf8').replace(/"amount":\s*[0-9.]+/, '"amount":3.00');
  return (await json<{ id: string }>(fetch(`${instance.ingressUrl}/callback`, { method: 'POST', body: tampered }))).id;
}

beforeAll(async () => {
  browser = await launchBrowser({ width: 1440, height: 900 });
  relay = await startRelay({ reminder: { password: PASSWORD } });
  instance = await startTestInstance({
    args: ['--tunnel', '--tunnel-host', relay.controlUrl],
    tunnelTimings: { openTimeoutMs: 3000, probeIntervalMs: 200, probeTimeoutMs: 1000, backoff: { initialMs: 50, maxMs: 300 } },
  });
  await waitFor(() => instance.tunnelPassword() === PASSWORD, { timeoutMs: 10_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await instance?.close();
  await relay?.close();
});

describe('sharing in the browser', () => {
  it('shows the tunnel password with a copy button and what teammates will see; the browser meets the reminder page', async () => {
    const page = await browser.context.newPage();
    await page.goto(instance.openUrl);
    await page.locator('[data-live="live"]').waitFor();
    await page.getByRole('button', { name: 'Share' }).click();
    await page.getByRole('button', { name: 'Create link' }).click();
    const panel = page.getByRole('dialog', { name: 'Share a read-only view' });
    const link = (await panel.locator('.share-link code').first().textContent())!;
    expect(link.startsWith(`${relay.publicUrl()}/share/`)).toBe(true);
    const password = panel.locator(`[data-tunnel-password="${PASSWORD}"]`);
    await password.waitFor();
    expect(await password.locator('code').first().textContent()).toBe(PASSWORD);
    await password.getByRole('button', { name: 'Copy password' }).waitFor();
    expect(await password.textContent()).toContain('reminder page');

    // What the teammate's browser meets on the public server: the reminder page, then (past it) the shared view.
    const teammate = await browser.browser.newContext();
    const visit = await teammate.newPage();
    const stopped = await visit.goto(link);
    expect(stopped?.status()).toBe(401);
    await visit.getByText('tunnel password').waitFor();
    await teammate.setExtraHTTPHeaders({ 'bypass-tunnel-reminder': '1' });
    await visit.goto(link);
    await visit.getByText('Read-only shared view').waitFor();
    await teammate.close();
    await page.close();
  });

  it('"Share this capture" copies a link that shows that capture alone, with the same signature panel and diagnosis', async () => {
    const id = await makeTamperedCapture();
    const context = await browser.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(instance.openUrl);
    await page.locator(`.crow[data-row="${id}"]`).click();
    const ownDiagnosis = (await page.getByTestId('diagnosis').textContent())!;
    expect(await page.getByTestId('diagnosis').getAttribute('data-cause')).toBe('tampered-or-unknown-key');
    const ownPanel = (await page.getByTestId('signature-panel').textContent())!;
    await page.getByRole('button', { name: 'Share this capture' }).click();
    const shown = page.locator('[data-capture-link]');
    await shown.waitFor();
    const link = (await shown.textContent())!;
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(link);
    await page.getByRole('dialog', { name: 'Link to this capture' }).locator(`[data-tunnel-password="${PASSWORD}"]`).waitFor();

    const teammate = await browser.browser.newContext({ extraHTTPHeaders: { 'bypass-tunnel-reminder': '1' } });
    const visit = await teammate.newPage();
    await visit.goto(link);
    await visit.getByText('Read-only shared view of one capture').waitFor();
    await visit.locator(`article[data-capture="${id}"]`).waitFor();
    expect(await visit.getByTestId('diagnosis').textContent()).toBe(ownDiagnosis);
    expect(await visit.getByTestId('signature-panel').textContent()).toBe(ownPanel);
    expect(await visit.locator('.crow').count()).toBe(1);
    expect(await visit.getByRole('button', { name: 'Share this capture' }).count()).toBe(0);
    await teammate.close();
    await context.close();
  });
});
