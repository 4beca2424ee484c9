// The emulated miaPOS e-commerce API as plain functions (no Express): token, refresh, pay, RTP, payment state, public key.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { EmulatorCredentials } from './credentials.ts';
import { MiaposError, fieldError } from './errors.ts';
import { toPaymentState, writeMiaposJson } from './payment-json.ts';
import type { PaymentBook } from './payments.ts';
import type { TokenIssuer } from './tokens.ts';
import { validatePaymentRequest } from './validate-payment.ts';

/** An answer: status and JSON text ('' for an empty body). */
export interface ApiAnswer {
  status: number;
  body: string;
}

export interface MiaposApiContext {
  credentials: EmulatorCredentials;
  tokens: TokenIssuer;
  book: PaymentBook;
  publicKeyBase64: string;
  checkoutUrl: (paymentId: string) => string;
  log: (line: string) => void;
}

export interface MiaposApi {
  requestToken(body: Uint8Array | undefined): Promise<ApiAnswer>;
  refreshToken(body: Uint8Array | undefined): Promise<ApiAnswer>;
  registerPayment(authorization: string | undefined, body: Uint8Array | undefined, endpoint: 'pay' | 'rtp'): Promise<ApiAnswer>;
  readPayment(authorization: string | undefined, paymentId: string): Promise<ApiAnswer>;
  readPublicKey(authorization: string | undefined): Promise<ApiAnswer>;
  /** `/api/v1/public-key`, the path of older docs: the real service answers 500 there. */
  readOldPublicKey(authorization: string | undefined): Promise<ApiAnswer>;
}

export function createMiaposApi(context: MiaposApiContext): MiaposApi {
  const { credentials, tokens, book } = context;
  const ok = (object: object): ApiAnswer => ({ status: 200, body: writeMiaposJson(object) });
  return {
    async requestToken(body) {
      const input = readObject(parseJsonBody(body));
      const merchantId = readSecretField(input, 'merchantId', false);
      const secretKey = readSecretField(input, 'secretKey', true);
      if (merchantId !== credentials.merchantId || !sameSecret(secretKey, credentials.secretKey)) {
        throw new MiaposError(401, 'INVALID_CREDENTIALS', 'Invalid merchantId or secretKey.');
      }
      context.log(`token issued to merchant ${merchantId}`);
      return ok(await tokens.issue());
    },
    async refreshToken(body) {
      const refreshToken = readSecretField(readObject(parseJsonBody(body)), 'refreshToken', true);
      const answer = await tokens.refresh(refreshToken);
      context.log(`token refreshed for merchant ${credentials.merchantId}`);
      return ok(answer);
    },
    async registerPayment(authorization, body, endpoint) {
      await tokens.checkBearer(authorization);
      const request = validatePaymentRequest(parseJsonBody(body), endpoint, credentials);
      const payment = await book.create(request);
      const created: Record<string, string> = { orderId: payment.orderId, paymentId: payment.paymentId };
      if (payment.paymentType === 'qr') created.checkoutPage = context.checkoutUrl(payment.paymentId);
      return ok(created);
    },
    async readPayment(authorization, paymentId) {
      await tokens.checkBearer(authorization);
      const payment = book.get(paymentId);
      if (!payment) throw new MiaposError(400, 'UNKNOWN_PAYMENT', `Ecomm payment info not found with payment id [${paymentId}]`);
      return ok(toPaymentState(payment, context.checkoutUrl(payment.paymentId)));
    },
    async readPublicKey(authorization) {
      await tokens.checkBearer(authorization);
      return ok({ publicKey: context.publicKeyBase64 });
    },
    async readOldPublicKey(authorization) {
      await tokens.checkBearer(authorization);
      throw new MiaposError(500, 'INTERNAL_ERROR', 'Internal server error. (Emulator note: /api/v1/public-key is the path of older docs and fails on the real service too; use GET /ecomm/api/v1/public-key.)');
    },
  };
}

/** Parses a JSON request body; undefined when there is none. */
export function parseJsonBody(body: Uint8Array | undefined): unknown {
  if (!body || body.length === 0) return undefined;
  let text = Buffer.from(body).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's message quotes the body, which may hold a secret: keep only the position.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new MiaposError(400, 'INVALID_REQUEST', `JSON parse error: the request body is not valid JSON${position ? ` (at position ${position})` : ''}.`);
  }
}

function readObject(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new MiaposError(400, 'INVALID_REQUEST', 'Required request body is missing or is not a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** Reads a required string; a secret's value is never echoed back (errors show it as [hidden]). */
function readSecretField(input: Record<string, unknown>, field: string, secret: boolean): string {
  const value = input[field];
  if (value === undefined || value === null || value === '') throw fieldError(field, value === '' ? '' : null, `${field} is required`);
  if (typeof value !== 'string') throw fieldError(field, secret ? '[hidden]' : value, 'must be a string');
  return value;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
