// Picks the emulator payment the check builds callbacks from, or says exactly how to make one.

import type { EmulatorPaymentSummary } from '../emulator/index.ts';
import { HttpError } from '../http/http-error.ts';

export interface PaymentSource {
  url: string;
  credentials: { merchantId: string; terminalId: string };
  /** Newest first. */
  listPayments(): EmulatorPaymentSummary[];
}

export interface ChosenPayment {
  payment: EmulatorPaymentSummary;
  chosenBy: 'flag' | 'newest-for-handler';
}

/** The payment named by `paymentId`, else the newest whose callbackUrl is the handler URL; throws HttpError 404/409. */
export function choosePayment(source: PaymentSource, handlerUrl: string, paymentId?: string): ChosenPayment {
  const payments = source.listPayments();
  if (paymentId !== undefined) {
    const payment = payments.find((item) => item.paymentId === paymentId);
    if (!payment) {
      throw new HttpError(404, 'unknown_payment', `The emulator has no payment ${paymentId}. Use a paymentId your app got from POST ${source.url}/ecomm/api/v1/pay, or leave --payment out to use the newest payment whose callbackUrl is ${handlerUrl}.`);
    }
    return { payment, chosenBy: 'flag' };
  }
  const wanted = normalizeUrl(handlerUrl);
  const payment = payments.find((item) => item.callbackUrl !== undefined && normalizeUrl(item.callbackUrl) === wanted);
  if (!payment) throw new HttpError(409, 'no_payment', describeNoPayment(source, handlerUrl, payments));
  return { payment, chosenBy: 'newest-for-handler' };
}

function describeNoPayment(source: PaymentSource, handlerUrl: string, payments: readonly EmulatorPaymentSummary[]): string {
  const { merchantId, terminalId } = source.credentials;
  const lines = [
    `No emulator payment has callbackUrl ${handlerUrl}, so there is no payment to build genuine callbacks from. Make one the way your app will in production:`,
    `  1. Point your app's miaPOS base URL at the emulator, ${source.url}, with merchantId ${merchantId}, terminalId ${terminalId} and the secretKey miahook printed at start (also in runtime.json in its data dir).`,
    `  2. Create a payment through your checkout (your app calls POST ${source.url}/ecomm/api/v1/token, then POST ${source.url}/ecomm/api/v1/pay) with "callbackUrl": "${handlerUrl}".`,
    '  3. Run the check again; or pass --payment <paymentId> ("paymentId" in the API) to use a payment you already have.',
  ];
  const others = [...new Set(payments.map((item) => item.callbackUrl).filter((url): url is string => url !== undefined))].slice(0, 3);
  if (others.length) lines.push(`The newest emulator payments send their callbacks to: ${others.join(', ')}.`);
  return lines.join('\n');
}

function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}
