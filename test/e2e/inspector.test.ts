// End to end in Debian chromium: payment form -> emulator outcome -> live verified callback -> tampered callback
// explained -> reload keeps both; 10,000 stored captures scroll with a bounded number of rendered rows.

import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureDetail, CaptureListResponse, PaymentListResponse } from '../../shared/api.ts';
import type { CaptureInfo } from '../../shared/records.ts';
import type { CaptureDraft } from '../../server/store/index.ts';
import { launchBrowser, type BrowserSession } from '../helpers/browser.ts';
import { startTestInstance, type TestInstance } from '../helpers/start-instance.ts';
import { waitFor } from '../helpers/wait-for.ts';

// The README's screenshot is refreshed only on request (UPDATE_SCREENSHOT=1 npm test); other runs keep a copy
// under test/.artifacts so a test run never dirties the checkout.
const SCREENSHOT = fileURLToPath(new URL(process.env.UPDATE_SCREENSHOT ? '../../docs/screenshot.png' : '../.artifacts/screenshot.png', import.meta.url));

let browser: BrowserSession;

beforeAll(async () => {
  browser = await launchBrowser({ width: 1440, height: 900 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the inspector page', () => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await startTestInstance();
  });
  afterAll(async () => {
    await instance?.close();
  });

  it('explains what to open when the token is missing', async () => {
    const page = await browser.context.newPage();
    await page.goto(instance.inspectorUrl);
    await page.getByText('needs the link').waitFor();
    await page.close();
  });

  it('follows a payment to its live, verified callback, then explains a tampered one', async () => {
    const { page } = browser;
    await page.goto(instance.openUrl);
    await page.locator('[data-live="live"]').waitFor();
    expect(page.url()).not.toContain('token=');

    // A payment from the form, made to succeed with the emulator button.
    await page.click('[data-tab="payments"]');
    const form = page.getByTestId('payment-form');
    await form.locator('input[name="amount"]').fill('12.50');
    await form.locator('input[name="orderId"]').fill('e2e-order-1');
    await form.locator('input[name="callbackUrl"]').inputValue().then((value) => expect(value).toBe(instance.callbackUrl));
    await form.locator('button[type="submit"]').click();
    const checkout = page.getByTestId('checkout');
    await checkout.getByTestId('qr').waitFor();
    await checkout.locator('[data-simulate="SUCCESS"]').click();

    // The callback shows up live, with a valid badge.
    await page.click('[data-tab="captures"]');
    const validRow = page.locator('.crow[data-order="e2e-order-1"]:has([data-verdict="valid"])');
    await validRow.waitFor();
    await validRow.click();
    const canonical = page.getByTestId('canonical');
    await canonical.waitFor();
    expect(await canonical.locator('[data-key="amount"] .sf-value').textContent()).toBe('12.50');
    expect(await canonical.locator('[data-key="orderId"] .sf-value').textContent()).toBe('e2e-order-1');
    expect(await page.getByTestId('canonical-raw').textContent()).toMatch(/^12\.50;MDL;e2e-order-1;/);

    // The paste box names the classic mistake.
    const canonicalText = (await page.getByTestId('canonical-raw').textContent())!;
    await page.getByLabel('Your sign string').fill(canonicalText.replace('12.50', '12.5'));
    expect(await page.getByTestId('compare-result').textContent()).toContain('1 difference');
    await page.getByText('Write amount with exactly two decimals').waitFor();

    // A tampered copy posted by another client: invalid badge and a diagnosis in words.
    const validId = (await validRow.getAttribute('data-row'))!;
    const stored = (await (await instance.api(`/api/captures/${validId}`)).json()) as CaptureDetail;
    const tampered = Buffer.from(stored.bodyBase64, 'base64').toString('utf8').replace(/"amount":\s*[0-9.]+/, '"amount":1.00');
    expect(tampered).toContain('"amount":1.00');
    const posted = await fetch(instance.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: tampered });
    expect(posted.status).toBeLessThan(300);
    const invalidRow = page.locator('.crow[data-order="e2e-order-1"]:has([data-verdict="invalid"])');
    await invalidRow.waitFor();
    await invalidRow.click();
    const diagnosis = page.getByTestId('diagnosis');
    await diagnosis.waitFor();
    expect(await diagnosis.getAttribute('data-cause')).toBe('tampered-or-unknown-key');
    expect(await diagnosis.textContent()).toContain('No known mistake explains it: the payload was changed after it was signed, or it was signed by a key this tool does not know.');
    await page.getByTestId('signature-panel').locator('[data-verdict="invalid"]').waitFor();
    await page.getByTestId('linked-payment').getByText('disagrees with the payment').waitFor();

    // Both are still there after a reload (the token survives in sessionStorage).
    await page.reload();
    await page.locator('[data-live="live"]').waitFor();
    await validRow.waitFor();
    await invalidRow.waitFor();
    expect(await page.locator('.crow[data-order="e2e-order-1"]').count()).toBe(2);

    // The keyboard opens the newest one.
    await page.locator('body').press('ArrowDown');
    await page.locator('body').press('Enter');
    const invalidId = (await invalidRow.getAttribute('data-row'))!;
    await page.locator(`article[data-capture="${invalidId}"]`).waitFor();

    await addScreenshotExtras(instance, page);
    await page.locator(`.crow[data-row="${invalidId}"]`).click();
    await page.getByTestId('diagnosis').waitFor();
    await mkdir(fileURLToPath(new URL('../../docs/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    expect(browser.errors).toEqual([]);
  });

  it('replays a capture to a local app in one click and shows the answer', async () => {
    const app = await startRecordingApp();
    const captureId = await settlePayment(instance, 'e2e-replay-1');
    const page = await browser.context.newPage();
    try {
      await page.goto(instance.openUrl);
      const row = page.locator(`.crow[data-row="${captureId}"]`);
      await row.click();
      const panel = page.locator(`article[data-capture="${await row.getAttribute('data-row')}"]`).getByTestId('replay-panel');
      await panel.getByLabel('Target').fill(`${app.url}/hook`);
      await panel.getByRole('button', { name: 'Replay', exact: true }).click();
      await panel.locator('.replay-result .delivery-good').getByText('→ 201').waitFor();
      const stored = (await (await instance.api(`/api/captures/${await row.getAttribute('data-row')}`)).json()) as CaptureDetail;
      expect(app.bodies).toHaveLength(1);
      expect(app.bodies[0]!.equals(Buffer.from(stored.bodyBase64, 'base64'))).toBe(true);
      await row.locator('.delivery-good').getByText('→ 201').waitFor();

      await panel.getByRole('button', { name: 'Tampered amount' }).click();
      await panel.locator('.replay-result').getByText('a correct handler must reject it').waitFor();
      expect(app.bodies).toHaveLength(2);
      await page.getByTestId('deliveries').locator('.delivery-item').nth(1).waitFor();
    } finally {
      await page.close();
      await app.close();
    }
  });

  it('reconnects after the live connection drops and catches up on what it missed', async () => {
    const page = await browser.context.newPage();
    const sockets: WebSocketRoute[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.routeWebSocket(/\/ws(\?|$)/, async (socket) => {
      sockets.push(socket);
      if (sockets.length > 1) await held; // the second connection waits until the missed callback exists
      socket.connectToServer();
    });
    await page.goto(instance.openUrl);
    await page.locator('[data-live="live"]').waitFor();

    await sockets[0]!.close();
    await page.locator('[data-live="reconnecting"]').waitFor();
    const posted = await fetch(`${instance.ingressUrl}/callback/missed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"while":"away"}' });
    expect(posted.status).toBeLessThan(300);
    release();

    await page.locator('[data-live="live"]').waitFor();
    expect(sockets[1]!.url()).toMatch(/[?&]lastEventId=\d+/);
    await page.locator('.crow:has-text("missed")').waitFor();
    expect(await page.getByText('Reloaded everything').count()).toBe(0);
    await page.close();
  });

  it('gives a teammate a live, read-only view through a share link, until it is revoked', async () => {
    const captureId = await settlePayment(instance, 'e2e-share-1');
    await fetch(`${instance.ingressUrl}/callback/bob`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"bob","n":1}' });
    const created = await instance.api('/api/share', { method: 'POST', body: JSON.stringify({ ttlSeconds: 600 }) });
    expect(created.status).toBe(201);
    const { url } = (await created.json()) as { url: string };
    expect(url).toContain('/share/');

    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(url);
    await page.locator('[data-live="live"]').waitFor();
    await page.getByText('Read-only shared view').waitFor();
    const bobRows = page.locator('.crow:has-text("bob")');
    await bobRows.first().waitFor();
    expect(await page.locator('[data-tab="payments"]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Clear all' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Share' }).count()).toBe(0);

    await page.locator(`.crow[data-row="${captureId}"]`).click();
    await page.getByTestId('canonical').waitFor();
    expect(await page.getByTestId('replay-panel').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);

    // Live through the share stream.
    await fetch(`${instance.ingressUrl}/callback/bob`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"bob","n":2}' });
    await bobRows.nth(1).waitFor();

    expect(errors).toEqual([]);

    // Revoked: the next API call explains it instead of failing silently.
    expect((await instance.api('/api/share', { method: 'DELETE' })).status).toBe(200);
    await page.getByLabel('Status').selectOption('SUCCESS');
    await page.getByText('This shared link no longer works').waitFor();
    await page.close();
  });
});

describe('a store with 10,000 captures', () => {
  let instance: TestInstance;
  const COUNT = 10_000;
  beforeAll(async () => {
    instance = await startTestInstance();
    await seedCaptures(instance, COUNT);
  }, 120_000);
  afterAll(async () => {
    await instance?.close();
  });

  it('loads older pages on scroll while rendering only the rows in view', async () => {
    const page = await browser.context.newPage();
    await page.goto(instance.openUrl);
    const counter = page.getByTestId('loaded-count');
    await waitForLoadedAbove(page, 0);
    expect(await counter.getAttribute('data-total')).toBe(String(COUNT));
    await page.locator('.crow[data-order="seed-09999"]').waitFor();

    const scroller = page.getByTestId('capture-scroll');
    let loaded = Number(await counter.getAttribute('data-loaded'));
    let maxRows = await page.locator('.crow').count();
    let pages = 1;
    while (loaded < COUNT) {
      await scroller.evaluate((element) => {
        element.scrollTop = element.scrollHeight;
      });
      await waitForLoadedAbove(page, loaded);
      loaded = Number(await counter.getAttribute('data-loaded'));
      maxRows = Math.max(maxRows, await page.locator('.crow').count());
      pages += 1;
    }
    expect(pages).toBeGreaterThanOrEqual(10);
    expect(maxRows).toBeGreaterThan(10);
    expect(maxRows).toBeLessThan(100);

    await scroller.evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    await page.locator('.crow[data-order="seed-00000"]').waitFor();
    await page.getByText('10,000 captures, all loaded').waitFor();
    expect(await page.locator('.crow').count()).toBeLessThan(100);

    // Back to the top, the newest is there again.
    await scroller.evaluate((element) => {
      element.scrollTop = 0;
    });
    await page.locator('.crow[data-order="seed-09999"]').waitFor();
    expect(await page.locator('.crow').count()).toBeLessThan(100);
    await page.close();
  });
});

/** Waits until the list holds more than `count` captures (it only grows here; the page's CSP forbids string eval). */
async function waitForLoadedAbove(page: Page, count: number): Promise<void> {
  await page.locator(`[data-testid="loaded-count"]:not([data-loaded="${count}"])`).waitFor();
  const now = Number(await page.getByTestId('loaded-count').getAttribute('data-loaded'));
  expect(now).toBeGreaterThan(count);
}

/** A payment made through the API and settled by the emulator; resolves with the id of its captured, valid callback. */
async function settlePayment(instance: TestInstance, orderId: string): Promise<string> {
  const created = await instance.api('/api/payments', { method: 'POST', body: JSON.stringify({ amount: 12.5, orderId }) });
  const { paymentId } = (await created.json()) as { paymentId: string };
  expect((await instance.api(`/api/payments/${paymentId}/simulate`, { method: 'POST', body: JSON.stringify({ status: 'SUCCESS' }) })).ok).toBe(true);
  return waitFor(async () => {
    const { items } = (await (await instance.api(`/api/captures?q=${orderId}&verdict=valid`)).json()) as CaptureListResponse;
    return items[0]?.id;
  });
}

/** More traffic for the screenshot: other outcomes, and a teammate's channel. */
async function addScreenshotExtras(instance: TestInstance, page: Page): Promise<void> {
  const countPayments = async () => ((await (await instance.api('/api/payments')).json()) as PaymentListResponse).items.length;
  const before = await countPayments();
  const outcomes = ['EXPIRED', 'DECLINED', 'SUCCESS'] as const;
  for (const [index, status] of outcomes.entries()) {
    const created = await instance.api('/api/payments', { method: 'POST', body: JSON.stringify({ amount: 150 + index * 275.5, orderId: `shop-10${index + 2}` }) });
    const payment = (await created.json()) as { paymentId: string };
    await instance.api(`/api/payments/${payment.paymentId}/simulate`, { method: 'POST', body: JSON.stringify({ status }) });
  }
  await instance.api('/api/payments', { method: 'POST', body: JSON.stringify({ amount: 99.9, orderId: 'shop-105' }) });
  await fetch(`${instance.ingressUrl}/callback/alice`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":"from alice"}' });
  await page.locator('.crow').nth(5).waitFor();
  expect(await countPayments()).toBe(before + 4);
}

/** A stand-in for the developer's app: records each body, answers 201. */
async function startRecordingApp(): Promise<{ url: string; bodies: Buffer[]; close(): Promise<void> }> {
  const bodies: Buffer[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function seedCaptures(instance: TestInstance, count: number): Promise<void> {
  const start = Date.parse('2026-10-01T08:00:00Z');
  const batch = 500;
  for (let first = 0; first < count; first += batch) {
    const appends: Array<Promise<CaptureInfo>> = [];
    for (let i = first; i < Math.min(count, first + batch); i++) appends.push(instance.store.captures.append(makeSeedCapture(i, start)));
    await Promise.all(appends);
  }
  expect(instance.store.captures.count()).toBe(count);
}

function makeSeedCapture(index: number, start: number): CaptureDraft {
  const orderId = `seed-${String(index).padStart(5, '0')}`;
  const status = ['SUCCESS', 'EXPIRED', 'FAILED', 'DECLINED'][index % 4]!;
  const body = JSON.stringify({ result: { orderId, status, amount: 10 + (index % 90), currency: 'MDL' }, signature: 'c2VlZA==' });
  return {
    id: `cap_seed${String(index).padStart(5, '0')}`,
    receivedAt: new Date(start + index * 1_000).toISOString(),
    channel: index % 10 === 0 ? 'alice' : null,
    method: 'POST',
    url: '/callback',
    headers: [['Content-Type', 'application/json']],
    body: Buffer.from(body),
    size: body.length,
    remoteAddress: '127.0.0.1',
    sender: '127.0.0.1',
    verification: { verdict: index % 3 === 0 ? 'invalid' : 'valid', reason: 'seeded for the scroll test', canonical: null, fields: [], key: null, diagnosis: null },
    summary: { status, orderId, amount: `${10 + (index % 90)}.00`, currency: 'MDL' },
    payment: null,
  };
}
