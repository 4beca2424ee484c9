// The emulator's checkout page: it renders (escaped, with the QR code) and its buttons work, redirecting as miaPOS does.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaymentState } from '../../shared/protocol.ts';
import { startEmulator, type EmulatorOptions } from '../../server/emulator/index.ts';
import { startCallbackSink } from '../helpers/callback-sink.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<EmulatorOptions> = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'miahook-emu-'));
  const emulator = await startEmulator({ dataDir, port: 0, autoPay: false, ...options });
  cleanups.push(async () => {
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const { merchantId, secretKey, terminalId } = emulator.credentials;
  const token = (await (await fetch(`${emulator.url}/ecomm/api/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ merchantId, secretKey }) })).json()) as { accessToken: string };
  const pay = async (extra: Record<string, unknown> = {}) => {
    const body = { terminalId, orderId: 'A-77', amount: 1775, currency: 'MDL', payDescription: 'Two mugs', ...extra };
    const res = await fetch(`${emulator.url}/ecomm/api/v1/pay`, { method: 'POST', headers: { Authorization: `Bearer ${token.accessToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return (await res.json()) as { paymentId: string; checkoutPage: string };
  };
  const choose = (paymentId: string, outcome: string, headers: Record<string, string> = {}) =>
    fetch(`${emulator.url}/checkout/${paymentId}/outcome`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: emulator.url, ...headers },
      body: new URLSearchParams({ outcome }).toString(),
    });
  const status = (paymentId: string): PaymentState['status'] | undefined => emulator.getPayment(paymentId)?.status;
  return { emulator, pay, choose, status };
}

describe('GET /checkout', () => {
  it('renders a self-contained page with amount, description, order, status, the QR code of the link and four buttons', async () => {
    const { emulator, pay } = await setup();
    const { paymentId, checkoutPage } = await pay({ payDescription: '<script>alert("x")</script> & mugs', orderId: 'A-"77"' });
    const res = await fetch(checkoutPage);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('1\u202f775.00 <span>MDL</span>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; mugs');
    expect(html).not.toContain('<script');
    expect(html).toContain('A-&#34;77&#34;');
    expect(html).toContain('<strong>CREATED</strong>');
    expect(html).toContain(await QRCode.toString(checkoutPage, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }));
    expect(checkoutPage.startsWith(emulator.url)).toBe(true);
    const forms = [...html.matchAll(/<form method="post" action="([^"]+)"><input type="hidden" name="outcome" value="(\w+)">/g)];
    expect(forms.map((form) => form[2])).toEqual(['pay', 'decline', 'fail', 'expire']);
    for (const form of forms) expect(form[1]).toBe(`/checkout/${paymentId}/outcome`);
    expect(html).not.toMatch(/<(link|img|iframe)\b|src=|https?:\/\/(?!www\.w3\.org)/);
  });

  it('answers a missing or unknown paymentId with a page that says what to do', async () => {
    const { emulator } = await setup();
    const missing = await fetch(`${emulator.url}/checkout`);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('/checkout?paymentId=');
    const unknown = await fetch(`${emulator.url}/checkout?paymentId=%3Cb%3Enope`);
    expect(unknown.status).toBe(404);
    const html = await unknown.text();
    expect(html).toContain('&#60;b&#62;nope');
    expect(html).toContain('POST /ecomm/api/v1/pay');
  });
});

describe('checkout buttons', () => {
  it('Pay makes the payment SUCCESS and redirects (303) to successUrl exactly as given, which the browser then loads', async () => {
    const shop = await startCallbackSink({ body: 'thanks' });
    cleanups.push(() => shop.close());
    const { pay, choose, status } = await setup();
    const successUrl = `${shop.url}/ok?order=A-77&x=%20y`;
    const { paymentId } = await pay({ successUrl, failUrl: `${shop.url}/fail` });
    const res = await choose(paymentId, 'pay');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(successUrl);
    expect(status(paymentId)).toBe('SUCCESS');
    const landing = await fetch(res.headers.get('location')!);
    expect(await landing.text()).toBe('thanks');
    expect(shop.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /ok?order=A-77&x=%20y']);
  });

  it('a browser-like client following the redirect lands on the shop', async () => {
    const shop = await startCallbackSink({ body: 'back at the shop' });
    cleanups.push(() => shop.close());
    const { pay, emulator, status } = await setup();
    const { paymentId } = await pay({ successUrl: `${shop.url}/ok` });
    const res = await fetch(`${emulator.url}/checkout/${paymentId}/outcome`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: emulator.url },
      body: 'outcome=pay',
    });
    expect(res.url).toBe(`${shop.url}/ok`);
    expect(await res.text()).toBe('back at the shop');
    expect(status(paymentId)).toBe('SUCCESS');
  });

  it('Decline, Fail and Let it expire end the payment and redirect to failUrl', async () => {
    const { pay, choose, status } = await setup();
    for (const [outcome, final] of [['decline', 'DECLINED'], ['fail', 'FAILED'], ['expire', 'EXPIRED']] as const) {
      const { paymentId } = await pay({ successUrl: 'https://shop.test/ok', failUrl: 'https://shop.test/fail?o=1' });
      const res = await choose(paymentId, outcome);
      expect([res.status, res.headers.get('location')], outcome).toEqual([303, 'https://shop.test/fail?o=1']);
      expect(status(paymentId)).toBe(final);
    }
  });

  it('Pay on a non-MDL payment fails it, as the real service does', async () => {
    const { pay, choose, status } = await setup();
    const { paymentId } = await pay({ currency: 'USD', successUrl: 'https://shop.test/ok', failUrl: 'https://shop.test/fail' });
    const res = await choose(paymentId, 'pay');
    expect(res.headers.get('location')).toBe('https://shop.test/fail');
    expect(status(paymentId)).toBe('FAILED');
  });

  it('without URLs, redirects back to the page, which shows the result and no buttons', async () => {
    const { pay, choose, emulator } = await setup();
    const { paymentId, checkoutPage } = await pay();
    const res = await choose(paymentId, 'pay');
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!, emulator.url).href).toBe(checkoutPage);
    const html = await (await fetch(checkoutPage)).text();
    expect(html).toContain('<strong>SUCCESS</strong>');
    expect(html).toContain('The payment went through.');
    expect(html).not.toContain('<form');
  });

  it('shows the return link on a finished payment, escaped', async () => {
    const { pay, choose } = await setup();
    const { paymentId, checkoutPage } = await pay({ failUrl: 'https://shop.test/fail?a=1&b="2"' });
    await choose(paymentId, 'decline');
    const html = await (await fetch(checkoutPage)).text();
    expect(html).toContain('href="https://shop.test/fail?a=1&#38;b=&#34;2&#34;"');
    expect(html).toContain('<meta http-equiv="refresh" content="3;url=https://shop.test/fail?a=1&#38;b=&#34;2&#34;">');
  });

  it('refuses a second choice (409), an unknown choice (400), and a post from another origin (403)', async () => {
    const { pay, choose, status } = await setup();
    const { paymentId } = await pay();
    const foreign = await choose(paymentId, 'pay', { Origin: 'http://evil.test' });
    expect(foreign.status).toBe(403);
    expect(status(paymentId)).toBe('CREATED');
    const odd = await choose(paymentId, 'refund');
    expect(odd.status).toBe(400);
    expect(await odd.text()).toContain('pay, decline, fail, expire');
    expect((await choose(paymentId, 'decline')).status).toBe(303);
    const again = await choose(paymentId, 'pay');
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already DECLINED');
    expect(status(paymentId)).toBe('DECLINED');
    expect((await choose('nope', 'pay')).status).toBe(404);
  });
});
