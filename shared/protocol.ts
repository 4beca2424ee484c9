// The miaPOS e-commerce protocol as types: requests, payment state, callback, tokens and error shapes.

/** The six payment statuses miaPOS reports. */
export const PAYMENT_STATUSES = ['CREATED', 'PENDING', 'SUCCESS', 'FAILED', 'DECLINED', 'EXPIRED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Statuses after which a payment never changes again (and its one callback is sent). */
export const FINAL_STATUSES: readonly PaymentStatus[] = ['SUCCESS', 'FAILED', 'DECLINED', 'EXPIRED'];

export function isPaymentStatus(value: unknown): value is PaymentStatus {
  return typeof value === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(value);
}

export function isFinalStatus(status: PaymentStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export type Language = 'ro' | 'ru' | 'en';
export type PaymentType = 'qr' | 'rtp';

/** Body of POST /ecomm/api/v1/pay. */
export interface PaymentRequest {
  terminalId: string;
  orderId: string;
  amount: number;
  currency: string;
  payDescription: string;
  language?: Language;
  paymentType?: PaymentType;
  clientName?: string;
  clientPhone?: string;
  clientEmail?: string;
  callbackUrl?: string;
  successUrl?: string;
  failUrl?: string;
  directRedirect?: boolean;
  fastRedirect?: boolean;
}

/** Answer of POST /pay (RTP answers omit checkoutPage). */
export interface PaymentCreated {
  orderId: string;
  paymentId: string;
  checkoutPage?: string;
}

/** State of a payment: GET /payment/{id} and a callback's `result`. Null fields are omitted. */
export interface PaymentState {
  terminalId: string;
  orderId: string;
  paymentId: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  paymentType?: PaymentType;
  /** Chisinau local time without an offset, e.g. 2026-10-05T22:13:42. Never parse as UTC. */
  paymentDate?: string;
  swiftMessageId?: string;
  swiftPayerBank?: string;
  checkoutPage?: string;
}

/** The body miaPOS POSTs to callbackUrl. */
export interface CallbackBody {
  result: Record<string, unknown>;
  signature: string;
}

export interface TokenRequest {
  merchantId: string;
  secretKey: string;
  terminalId?: string;
}

export interface TokenResponse {
  accessToken: string;
  accessTokenExpiresIn: number;
  refreshToken: string;
  refreshTokenExpiresIn: number;
  tokenType: string;
}

export interface PublicKeyResponse {
  publicKey: string;
}

/** Observed error shape: HTTP 400 with a meaningless code. */
export interface ObservedError {
  errorCode: string;
  errorMessage: string;
}

/** OpenAPI error shape (errorCode required, message optional). */
export interface OpenApiError {
  errorCode: string;
  errorMessage?: string;
}

/** Documented error envelope. */
export interface DocumentedError {
  error: { code: string; message: string; requestId?: string };
}

export type MiaposErrorBody = ObservedError | OpenApiError | DocumentedError;

/** Reads any of the three error shapes into one code and message; null when it is none of them. */
export function readErrorBody(body: unknown): { code: string; message: string } | null {
  if (!body || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  if (record.error && typeof record.error === 'object') {
    const inner = record.error as Record<string, unknown>;
    if (typeof inner.code === 'string' || typeof inner.message === 'string') {
      return { code: String(inner.code ?? ''), message: String(inner.message ?? '') };
    }
  }
  if ('errorCode' in record) {
    return { code: String(record.errorCode), message: String(record.errorMessage ?? '') };
  }
  return null;
}

/** Fields miaPOS documents for a callback's result, in the guide's order. */
export const DOCUMENTED_RESULT_FIELDS = [
  'terminalId', 'orderId', 'paymentId', 'status', 'amount', 'currency',
  'paymentType', 'paymentDate', 'swiftMessageId', 'swiftPayerBank',
] as const;
