// A client of the miaPOS e-commerce API: cached tokens renewed before expiry, one retry on 401, typed errors.
// The same code talks to the built-in emulator and to the real sandbox; only the base URL and credentials differ.

import type { PaymentCreated, PaymentRequest, PaymentState, PublicKeyResponse, TokenResponse } from '../../shared/protocol.ts';
import { MiaposError, readMiaposError } from './miapos-error.ts';

export interface MiaposCredentials {
  baseUrl: string;
  merchantId: string;
  secretKey: string;
}

export interface MiaposClientOptions extends MiaposCredentials {
  timeoutMs?: number;
  /** Renew this long before the access token expires. */
  renewBeforeMs?: number;
  now?: () => number;
}

export interface MiaposClient {
  readonly baseUrl: string;
  createPayment(request: PaymentRequest): Promise<PaymentCreated>;
  requestToPay(request: PaymentRequest): Promise<PaymentCreated>;
  getPayment(paymentId: string): Promise<PaymentState>;
  getPublicKey(): Promise<string>;
}

interface CachedToken {
  accessToken: string;
  accessExpiresAt: number;
  refreshToken: string;
  refreshExpiresAt: number;
}

export function createMiaposClient(options: MiaposClientOptions): MiaposClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const renewBeforeMs = options.renewBeforeMs ?? 30_000;
  const now = options.now ?? Date.now;
  let token: CachedToken | null = null;
  let pending: Promise<CachedToken> | null = null;

  /** Error messages quote the server, and miaPOS validation messages quote rejected values: never the secrets. */
  function hideSecrets(error: MiaposError): MiaposError {
    const secrets = [options.secretKey, token?.accessToken, token?.refreshToken].filter((value): value is string => typeof value === 'string' && value.length >= 6);
    let message = error.message;
    for (const secret of secrets) message = message.replaceAll(secret, '[hidden]');
    return message === error.message ? error : new MiaposError(message, error.status, error.code);
  }

  async function send(method: 'GET' | 'POST', path: string, body: unknown, bearer: string | null, what: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describeNetworkError(error);
      throw new MiaposError(`miaPOS ${what} failed: ${reason} (${baseUrl}).`, 0, 'NETWORK');
    }
    const text = await response.text();
    if (!response.ok) throw hideSecrets(readMiaposError(response.status, text, what));
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new MiaposError(`miaPOS ${what} answered HTTP ${response.status} with a body that is not JSON.`, response.status, 'BAD_RESPONSE');
    }
  }

  function storeToken(answer: unknown): CachedToken {
    const t = answer as Partial<TokenResponse>;
    if (typeof t.accessToken !== 'string' || typeof t.refreshToken !== 'string') {
      throw new MiaposError('miaPOS token answer lacks accessToken or refreshToken.', 200, 'BAD_RESPONSE');
    }
    const issuedAt = now();
    token = {
      accessToken: t.accessToken,
      accessExpiresAt: issuedAt + Number(t.accessTokenExpiresIn ?? 300) * 1000,
      refreshToken: t.refreshToken,
      refreshExpiresAt: issuedAt + Number(t.refreshTokenExpiresIn ?? 0) * 1000,
    };
    return token;
  }

  async function obtainToken(): Promise<CachedToken> {
    const current = token;
    if (current && current.refreshExpiresAt - renewBeforeMs > now()) {
      try {
        return storeToken(await send('POST', '/ecomm/api/v1/token/refresh', { refreshToken: current.refreshToken }, null, 'token refresh'));
      } catch {
        // refresh refused or failed: fall back to a new token below
      }
    }
    return storeToken(await send('POST', '/ecomm/api/v1/token', { merchantId: options.merchantId, secretKey: options.secretKey }, null, 'token request'));
  }

  async function accessToken(forceNew: boolean): Promise<string> {
    if (!forceNew && token && token.accessExpiresAt - renewBeforeMs > now()) return token.accessToken;
    if (forceNew) token = null;
    pending ??= obtainToken().finally(() => {
      pending = null;
    });
    return (await pending).accessToken;
  }

  async function call(method: 'GET' | 'POST', path: string, body: unknown, what: string): Promise<unknown> {
    const bearer = await accessToken(false);
    try {
      return await send(method, path, body, bearer, what);
    } catch (error) {
      // A 401 from the call itself: the token may have been revoked or expired early. One fresh token, one retry.
      if (!(error instanceof MiaposError) || error.status !== 401) throw error;
      return send(method, path, body, await accessToken(true), what);
    }
  }

  return {
    baseUrl,
    createPayment: async (request) => (await call('POST', '/ecomm/api/v1/pay', request, 'payment registration')) as PaymentCreated,
    requestToPay: async (request) => (await call('POST', '/ecomm/api/v1/request-to-pay/direct', request, 'request to pay')) as PaymentCreated,
    getPayment: async (paymentId) => (await call('GET', `/ecomm/api/v1/payment/${encodeURIComponent(paymentId)}`, undefined, 'payment status')) as PaymentState,
    async getPublicKey() {
      const answer = (await call('GET', '/ecomm/api/v1/public-key', undefined, 'public key')) as Partial<PublicKeyResponse>;
      if (typeof answer.publicKey !== 'string') throw new MiaposError('miaPOS public-key answer has no "publicKey" string.', 200, 'BAD_RESPONSE');
      return answer.publicKey;
    },
  };
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : (error as Error).message;
}
