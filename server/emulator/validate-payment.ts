// Validates POST /pay and /request-to-pay/direct bodies the way miaPOS does: field rules first, then terminal and type.

import { formatAmountNumber } from '../../shared/amount.ts';
import type { Language, PaymentRequest, PaymentType } from '../../shared/protocol.ts';
import { MiaposError, fieldError } from './errors.ts';

/** A payment request that passed validation (strings kept as sent), its payment type settled. */
export type NewPayment = PaymentRequest & { paymentType: PaymentType };

export interface Terminals {
  terminalId: string;
  rtpTerminalId: string;
}

const MAX_AMOUNT = 999_999_999_999.99;
const LANGUAGES: readonly Language[] = ['ro', 'ru', 'en'];

/** Checks a request body; throws the MiaposError the real service would answer with. */
export function validatePaymentRequest(body: unknown, endpoint: 'pay' | 'rtp', terminals: Terminals): NewPayment {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new MiaposError(400, 'INVALID_REQUEST', 'Required request body is missing or is not a JSON object.');
  }
  const input = body as Record<string, unknown>;
  const required = ['terminalId', 'orderId', 'amount', 'currency', 'payDescription'];
  if (endpoint === 'rtp') required.push('clientName', 'clientPhone');
  for (const field of required) {
    const value = input[field];
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      throw fieldError(field, value, `${field} is required`, field === 'amount' ? 'INVALID_AMOUNT' : 'INVALID_REQUEST');
    }
  }
  const payment: NewPayment = {
    terminalId: readString(input, 'terminalId')!,
    orderId: readString(input, 'orderId', true)!,
    amount: readAmount(input.amount),
    currency: readString(input, 'currency')!,
    payDescription: readString(input, 'payDescription')!,
    paymentType: endpoint === 'rtp' ? 'rtp' : readPaymentType(input.paymentType),
  };
  const language = readString(input, 'language');
  if (language !== undefined) {
    if (!(LANGUAGES as readonly string[]).includes(language)) throw fieldError('language', language, 'must be one of [ro, ru, en]');
    payment.language = language as Language;
  }
  for (const field of ['clientName', 'clientPhone', 'clientEmail'] as const) {
    const value = readString(input, field);
    if (value !== undefined) payment[field] = value;
  }
  for (const field of ['callbackUrl', 'successUrl', 'failUrl'] as const) {
    const value = readString(input, field);
    if (value !== undefined) payment[field] = readUrl(field, value);
  }
  for (const field of ['directRedirect', 'fastRedirect'] as const) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'boolean') throw fieldError(field, value, 'must be a boolean');
    payment[field] = value;
  }
  checkTerminal(payment, terminals);
  return payment;
}

function checkTerminal(payment: NewPayment, terminals: Terminals): void {
  const type = payment.terminalId === terminals.terminalId ? 'ecomm' : payment.terminalId === terminals.rtpTerminalId ? 'rtp' : null;
  if (!type) throw new MiaposError(400, 'UNKNOWN_TERMINAL', `Pos terminal with id: [${payment.terminalId}] not found`);
  const needed = payment.paymentType === 'rtp' ? 'rtp' : 'ecomm';
  if (type !== needed) {
    throw new MiaposError(400, 'WRONG_TERMINAL_TYPE', `The terminal type must be [${needed}] when the payment type is [${payment.paymentType.toUpperCase()}]. Current terminal type: [${type}].`);
  }
}

/** Reads an optional string field (null counts as absent); `allowNumber` accepts numbers as their text, as Jackson does. */
function readString(input: Record<string, unknown>, field: string, allowNumber = false): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (allowNumber && typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw fieldError(field, value, 'must be a string');
}

function readAmount(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw fieldError('amount', value, 'must be a number', 'INVALID_AMOUNT');
  if (value <= 0) throw fieldError('amount', value, 'must be greater than 0', 'INVALID_AMOUNT');
  if (value > MAX_AMOUNT || Number(formatAmountNumber(value)) !== value) {
    throw fieldError('amount', value, 'numeric value out of bounds (<12 digits>.<2 digits> expected)', 'INVALID_AMOUNT');
  }
  return value;
}

function readPaymentType(value: unknown): PaymentType {
  if (value === undefined || value === null) return 'qr';
  if (typeof value === 'string' && /^(qr|rtp)$/i.test(value)) return value.toLowerCase() as PaymentType;
  throw fieldError('paymentType', value, 'must be one of [qr, rtp]');
}

function readUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fieldError(field, value, 'must be a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fieldError(field, value, 'must be an http or https URL');
  return value;
}
