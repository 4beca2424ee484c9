// The JSON miaPOS answers and sends for a payment: fields in the service's order, nulls left out, amount with two decimals.

import { formatAmountNumber } from '../../shared/amount.ts';
import type { PaymentState } from '../../shared/protocol.ts';
import type { EmulatorPayment } from './payment-store.ts';

/** The payment state (GET /payment/{id}); `checkoutPage` only for QR payments and only when asked for. */
export function toPaymentState(payment: EmulatorPayment, checkoutPage?: string): PaymentState {
  const state: PaymentState = {
    terminalId: payment.terminalId,
    orderId: payment.orderId,
    paymentId: payment.paymentId,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    paymentType: payment.paymentType,
    paymentDate: payment.paymentDate,
  };
  if (payment.status === 'SUCCESS') {
    if (payment.swiftMessageId) state.swiftMessageId = payment.swiftMessageId;
    if (payment.swiftPayerBank) state.swiftPayerBank = payment.swiftPayerBank;
  }
  if (checkoutPage && payment.paymentType === 'qr') state.checkoutPage = checkoutPage;
  return state;
}

/** The callback's `result`: the state without checkoutPage. */
export function toCallbackResult(payment: EmulatorPayment): PaymentState {
  return toPaymentState(payment);
}

/**
 * Writes an object as compact JSON, leaving out null/undefined fields and writing `amount` as a
 * number with exactly two decimals (1775 -> 1775.00), as miaPOS does. `amountText` overrides it.
 */
export function writeMiaposJson(object: object, amountText?: string): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (value === null || value === undefined) continue;
    const text = key === 'amount' && typeof value === 'number' ? (amountText ?? formatAmountNumber(value) ?? String(value)) : JSON.stringify(value);
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}
