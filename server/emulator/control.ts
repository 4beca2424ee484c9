// The emulator's control surface as plain functions: set a payment's outcome, fault switches, recent deliveries.
// Threat model: loopback scripts and the inspector; POSTs must be application/json so no cross-site form can reach them.

import { EmulatorError } from './errors.ts';
import { readFaultsUpdate, type Faults } from './faults.ts';
import type { DeliveryEntry } from './callbacks.ts';
import type { ApiAnswer } from './miapos-api.ts';
import { toPaymentState, writeMiaposJson } from './payment-json.ts';
import type { PaymentBook } from './payments.ts';

export interface ControlContext {
  book: PaymentBook;
  getFaults: () => Faults;
  setFaults: (update: Partial<Faults>) => Faults;
  listDeliveries: () => DeliveryEntry[];
}

/** POST /_emulator/payments/{id}/outcome with {"status": ...}. */
export async function postOutcome(context: ControlContext, paymentId: string, contentType: string | undefined, body: Uint8Array | undefined): Promise<ApiAnswer> {
  const input = readJsonObject(contentType, body, '{"status": "SUCCESS"}');
  const payment = await context.book.setOutcome(paymentId, input.status, 'control');
  return { status: 200, body: writeMiaposJson(toPaymentState(payment)) };
}

export function getFaults(context: ControlContext): ApiAnswer {
  return { status: 200, body: JSON.stringify(context.getFaults()) };
}

/** POST /_emulator/faults with any subset of {duplicate, delayMs, drop, tamperAmount}. */
export function postFaults(context: ControlContext, contentType: string | undefined, body: Uint8Array | undefined): ApiAnswer {
  const update = readFaultsUpdate(readJsonObject(contentType, body, '{"drop": true}'));
  return { status: 200, body: JSON.stringify(context.setFaults(update)) };
}

export function getDeliveries(context: ControlContext): ApiAnswer {
  return { status: 200, body: JSON.stringify({ deliveries: context.listDeliveries() }) };
}

function readJsonObject(contentType: string | undefined, body: Uint8Array | undefined, example: string): Record<string, unknown> {
  if (!contentType || !/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new EmulatorError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send Content-Type: application/json with a body like ${example}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body ?? []).toString('utf8'));
  } catch {
    throw new EmulatorError(400, 'INVALID_REQUEST', `The body is not JSON. Send a body like ${example}.`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new EmulatorError(400, 'INVALID_REQUEST', `The body must be a JSON object like ${example}.`);
  }
  return value as Record<string, unknown>;
}
