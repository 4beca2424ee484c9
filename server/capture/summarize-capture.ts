// Reads the fields lists and filters need out of a callback body, and compares them with the registered payment.

import { formatAmountNumber, formatAmountText } from '../../shared/amount.ts';
import { getRawField, type RawJson } from '../../shared/raw-json.ts';
import type { CaptureSummary, Mismatch, PaymentRecord } from '../../shared/records.ts';
import type { CallbackReading } from '../signature/read-callback.ts';

/** The summary fields of a callback body; empty when the body is not a callback. */
export function summarizeCallback(read: CallbackReading): CaptureSummary {
  if ('problem' in read) return {};
  const summary: CaptureSummary = {};
  const text = (value: RawJson | undefined) => (value?.kind === 'string' ? value.value : value?.kind === 'number' ? value.raw : undefined);
  const status = text(getRawField(read.result, 'status'));
  const orderId = text(getRawField(read.result, 'orderId'));
  const paymentId = text(getRawField(read.result, 'paymentId'));
  const amount = text(getRawField(read.result, 'amount'));
  const currency = text(getRawField(read.result, 'currency'));
  if (status !== undefined) summary.status = status;
  if (orderId !== undefined) summary.orderId = orderId;
  if (paymentId !== undefined) summary.paymentId = paymentId;
  if (amount !== undefined) summary.amount = amount;
  if (currency !== undefined) summary.currency = currency;
  return summary;
}

/** Where a callback disagrees with the payment the tool registered. */
export function findMismatches(summary: CaptureSummary, payment: PaymentRecord): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const expectedAmount = formatAmountNumber(payment.amount) ?? String(payment.amount);
  const gotAmount = summary.amount === undefined ? '(missing)' : (formatAmountText(summary.amount) ?? summary.amount);
  if (gotAmount !== expectedAmount) mismatches.push({ field: 'amount', expected: expectedAmount, got: gotAmount });
  if (summary.currency !== payment.currency) mismatches.push({ field: 'currency', expected: payment.currency, got: summary.currency ?? '(missing)' });
  if (summary.orderId !== payment.orderId) mismatches.push({ field: 'orderId', expected: payment.orderId, got: summary.orderId ?? '(missing)' });
  return mismatches;
}
