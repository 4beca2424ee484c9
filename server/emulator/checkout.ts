// The checkout page's behaviour (no Express): show a payment, mark it opened, apply the payer's button, pick the redirect.
// Threat model: reachable by any local browser tab; outcomes need the unguessable paymentId and a same-origin form post.

import type { PayerAction, PaymentBook } from './payments.ts';
import { EmulatorError } from './errors.ts';
import { renderCheckoutPage, renderMessagePage } from './checkout-page.ts';

export interface PageAnswer {
  status: number;
  html?: string;
  /** Set for a 303 redirect. */
  location?: string;
}

export interface CheckoutContext {
  book: PaymentBook;
  autoPay: boolean;
  speed: number;
  checkoutUrl: (paymentId: string) => string;
}

const ACTIONS: readonly PayerAction[] = ['pay', 'decline', 'fail', 'expire'];

/** GET /checkout?paymentId=...: renders the page and, the first time, starts auto mode. */
export async function showCheckout(context: CheckoutContext, paymentId: unknown): Promise<PageAnswer> {
  if (typeof paymentId !== 'string' || paymentId === '') {
    return { status: 400, html: renderMessagePage('Missing paymentId', 'Open this page as /checkout?paymentId=<id>, the checkoutPage link returned by POST /ecomm/api/v1/pay.') };
  }
  if (!context.book.get(paymentId)) return notFound(paymentId);
  await context.book.open(paymentId);
  const payment = context.book.get(paymentId)!;
  // Loaded on the first checkout page: most runs never open one, and it costs memory at start.
  const { default: QRCode } = await import('qrcode');
  const qrSvg = await QRCode.toString(context.checkoutUrl(paymentId), { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { status: 200, html: renderCheckoutPage({ payment, qrSvg, autoPay: context.autoPay, speed: context.speed }) };
}

/** POST /checkout/{paymentId}/outcome: applies a button, then redirects to successUrl/failUrl or back to the page. */
export async function submitOutcome(context: CheckoutContext, paymentId: string, action: unknown, origin: string | undefined, host: string | undefined): Promise<PageAnswer> {
  if (origin !== undefined && origin !== `http://${host}`) {
    return { status: 403, html: renderMessagePage('Refused', `A page from ${origin} tried to choose a payment outcome; only the checkout page itself may.`) };
  }
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    return { status: 400, html: renderMessagePage('Unknown choice', `"outcome" must be one of ${ACTIONS.join(', ')}.`) };
  }
  try {
    const payment = await context.book.act(paymentId, action as PayerAction);
    const target = payment.status === 'SUCCESS' ? payment.successUrl : payment.failUrl;
    return { status: 303, location: target ?? `/checkout?paymentId=${encodeURIComponent(paymentId)}` };
  } catch (error) {
    if (!(error instanceof EmulatorError)) throw error;
    if (error.code === 'UNKNOWN_PAYMENT') return notFound(paymentId);
    const back = { href: `/checkout?paymentId=${encodeURIComponent(paymentId)}`, label: 'Back to the payment' };
    return { status: error.status, html: renderMessagePage('Not possible', error.message, back) };
  }
}

function notFound(paymentId: string): PageAnswer {
  return { status: 404, html: renderMessagePage('Payment not found', `The emulator has no payment "${paymentId}". Register one with POST /ecomm/api/v1/pay and open the checkoutPage it returns.`) };
}
