// Writes the callbacks the check sends, as JSON text built field by field (so each case controls every byte it changes).

import { randomInt } from 'node:crypto';
import { formatAmountNumber } from '../../shared/amount.ts';
import type { PaymentState, PaymentStatus } from '../../shared/protocol.ts';
import { parseRawJson, type RawJsonObject } from '../../shared/raw-json.ts';
import { buildSignString } from '../../shared/sign-string.ts';
import { formatChisinauTime } from '../emulator/chisinau-time.ts';
import { EMULATED_PAYER_BANK } from '../emulator/payments.ts';

/** The fields of a callback's result in order: key and the JSON text of its value. */
export type ResultEntries = ReadonlyArray<readonly [key: string, json: string]>;

/** The fields miaPOS leaves out when they are null; only the six required ones always come. */
export const OPTIONAL_KEYS = ['paymentType', 'paymentDate', 'swiftMessageId', 'swiftPayerBank'] as const;

/** The result miaPOS would send for this payment in `status`, fields in the service's order, amount with two decimals. */
export function buildResultEntries(payment: PaymentState, status: PaymentStatus, now: Date): ResultEntries {
  const same = payment.status === status;
  const paymentDate = same && payment.paymentDate ? payment.paymentDate : formatChisinauTime(now);
  const entries: Array<readonly [string, string]> = [
    ['terminalId', JSON.stringify(payment.terminalId)],
    ['orderId', JSON.stringify(payment.orderId)],
    ['paymentId', JSON.stringify(payment.paymentId)],
    ['status', JSON.stringify(status)],
    ['amount', formatAmountNumber(payment.amount) ?? String(payment.amount)],
    ['currency', JSON.stringify(payment.currency)],
    ['paymentType', JSON.stringify(payment.paymentType ?? 'qr')],
    ['paymentDate', JSON.stringify(paymentDate)],
  ];
  if (status === 'SUCCESS') {
    const messageId = same && payment.swiftMessageId ? payment.swiftMessageId : `EMU${paymentDate.replace(/\D/g, '')}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
    entries.push(['swiftMessageId', JSON.stringify(messageId)], ['swiftPayerBank', JSON.stringify(same && payment.swiftPayerBank ? payment.swiftPayerBank : EMULATED_PAYER_BANK)]);
  }
  return entries;
}

/** Replaces a field's value text in place, or adds the field at the end. */
export function setEntry(entries: ResultEntries, key: string, json: string): ResultEntries {
  return entries.some(([name]) => name === key) ? entries.map(([name, value]) => [name, name === key ? json : value] as const) : [...entries, [key, json] as const];
}

export function dropEntries(entries: ResultEntries, keys: readonly string[]): ResultEntries {
  return entries.filter(([name]) => !keys.includes(name));
}

export function writeObject(entries: ResultEntries): string {
  return `{${entries.map(([key, json]) => `${JSON.stringify(key)}:${json}`).join(',')}}`;
}

/** The canonical sign string of a result written as JSON text (shared/sign-string.ts rules). */
export function buildCanonical(resultText: string): string {
  return buildSignString(parseRawJson(resultText) as RawJsonObject);
}

/** `{"result":...,"signature":"..."}`; no signature key at all when `signature` is undefined. */
export function writeCallback(resultText: string, signature: string | undefined): string {
  return signature === undefined ? `{"result":${resultText}}` : `{"result":${resultText},"signature":${JSON.stringify(signature)}}`;
}
