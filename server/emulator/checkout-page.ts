// The emulated checkout page (HTML, inline CSS, no script, no external assets). Everything shown is escaped.
// Threat model: payment fields come from whoever registered the payment; all of it is HTML-escaped.

import { formatAmountNumber } from '../../shared/amount.ts';
import { isFinalStatus } from '../../shared/protocol.ts';
import type { EmulatorPayment } from './payment-store.ts';
import { AUTO_PENDING_MS, AUTO_SUCCESS_MS, type PayerAction } from './payments.ts';

export interface CheckoutView {
  payment: EmulatorPayment;
  /** The QR code of the checkout link, as inline SVG made by the qrcode package. */
  qrSvg: string;
  autoPay: boolean;
  speed: number;
}

const BUTTONS: ReadonlyArray<{ action: PayerAction; label: string; style: string }> = [
  { action: 'pay', label: 'Pay', style: 'pay' },
  { action: 'decline', label: 'Decline', style: 'other' },
  { action: 'fail', label: 'Fail', style: 'other' },
  { action: 'expire', label: 'Let it expire', style: 'other' },
];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The checkout page of one payment: details, QR code, status and the payer's buttons (or the result). */
export function renderCheckoutPage(view: CheckoutView): string {
  const { payment } = view;
  const final = isFinalStatus(payment.status);
  const returnUrl = payment.status === 'SUCCESS' ? payment.successUrl : payment.failUrl;
  const head = final
    ? returnUrl ? `<meta http-equiv="refresh" content="3;url=${escapeHtml(returnUrl)}">` : ''
    : '<meta http-equiv="refresh" content="2">';
  const rows: Array<[string, string | undefined]> = [
    ['Description', payment.payDescription],
    ['Order', payment.orderId],
    ['Payment id', payment.paymentId],
    ['Terminal', `${payment.terminalId} (${payment.paymentType})`],
    ['Date (Chisinau)', payment.paymentDate],
  ];
  const details = rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('');
  const body = final ? renderResult(payment, returnUrl) : renderActions(view);
  return renderDocument(`Checkout ${payment.orderId}`, head, `
    <p class="amount">${escapeHtml(formatMoney(payment.amount))} <span>${escapeHtml(payment.currency)}</span></p>
    <p class="status status-${escapeHtml(payment.status.toLowerCase())}">Status: <strong>${escapeHtml(payment.status)}</strong></p>
    <dl>${details}</dl>
    ${body}`);
}

/** A plain page with a title and a message (not found, bad request, illegal move). */
export function renderMessagePage(title: string, message: string, link?: { href: string; label: string }): string {
  const more = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : '';
  return renderDocument(title, '', `<p class="message">${escapeHtml(message)}</p>${more}`);
}

function renderActions(view: CheckoutView): string {
  const { payment } = view;
  const action = `/checkout/${encodeURIComponent(payment.paymentId)}/outcome`;
  const forms = BUTTONS.map((button) =>
    `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="outcome" value="${button.action}"><button class="${button.style}" type="submit">${escapeHtml(button.label)}</button></form>`,
  ).join('');
  const seconds = (ms: number) => `${Number((ms / view.speed / 1000).toFixed(2))} s`;
  let note = `Unpaid, it expires at ${escapeHtml(new Date(payment.expiresAt).toISOString())}.`;
  if (payment.currency !== 'MDL') note = `${escapeHtml(payment.currency)} is not MDL: this payment will end FAILED, as on the real service.`;
  else if (view.autoPay && (payment.openedAt || payment.paymentType === 'rtp')) {
    note = `Auto mode: PENDING after ${seconds(AUTO_PENDING_MS)} and SUCCESS after ${seconds(AUTO_SUCCESS_MS)} from opening, unless you choose first.`;
  }
  return `
    <figure class="qr" aria-label="QR code of this checkout page">${view.qrSvg}</figure>
    <p class="note">${note}</p>
    <div class="buttons">${forms}</div>`;
}

function renderResult(payment: EmulatorPayment, returnUrl: string | undefined): string {
  const text = payment.status === 'SUCCESS' ? 'The payment went through.' : `The payment ended ${payment.status}.`;
  const back = returnUrl
    ? `<p><a class="return" href="${escapeHtml(returnUrl)}">Return to the shop</a></p>`
    : '<p class="note">No successUrl/failUrl was given, so this page stays here.</p>';
  return `<p class="result">${escapeHtml(text)}</p>${back}`;
}

function renderDocument(title: string, head: string, main: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · miaPOS emulator</title>${head}
<style>${CSS}</style></head>
<body><main>
<header><strong>miaPOS emulator</strong> · checkout <small>offline sandbox: nothing real is paid</small></header>
${main}
</main></body></html>`;
}

function formatMoney(amount: number): string {
  const text = formatAmountNumber(amount) ?? String(amount);
  const [whole = '', cents = '00'] = text.split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f')}.${cents}`;
}

const CSS = `
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:#eef1f5;color:#1c2330}
main{max-width:28rem;margin:2rem auto;background:#fff;border-radius:12px;padding:1.5rem 1.75rem;box-shadow:0 2px 12px #0002}
header{font-size:.9rem;color:#556;border-bottom:1px solid #e3e6ea;padding-bottom:.6rem;margin-bottom:1rem}
header small{display:block;color:#889}
.amount{font-size:2.2rem;font-weight:700;margin:.2rem 0}.amount span{font-size:1.1rem;color:#556}
.status{display:inline-block;padding:.15rem .6rem;border-radius:99px;background:#e8ecf2}
.status-success{background:#d8f5df}.status-pending{background:#fff3cd}
.status-failed,.status-declined,.status-expired{background:#fbdada}
dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .8rem;font-size:.9rem}dt{color:#667}dd{margin:0;word-break:break-all}
.qr{margin:1rem auto;width:12rem}.qr svg{width:100%;height:auto;display:block}
.note,.message{color:#445;font-size:.9rem}
.buttons{display:grid;grid-template-columns:1fr 1fr;gap:.5rem}.buttons form{margin:0}
button{width:100%;padding:.6rem;border-radius:8px;border:1px solid #c5ccd6;background:#f6f8fa;font:inherit;cursor:pointer}
button.pay{background:#1b7f3b;border-color:#1b7f3b;color:#fff;font-weight:600}
.result{font-size:1.2rem;font-weight:600}a.return{font-weight:600}
`;
