// Takes secrets out of a delivery before it is stored (and so before any export): credential header values
// (Authorization, Proxy-Authorization, Cookie, Set-Cookie) and any known secret (the inspector token, the
// emulator and sandbox secretKey) found in header values, the target URL or the error text. Body bytes stay as sent.

import type { Delivery, HeaderPair } from '../../shared/records.ts';

const REDACTED = '[redacted]';
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
/** Shorter strings are not treated as secrets (they would match ordinary text). */
const MIN_SECRET_LENGTH = 8;

type DeliveryLike = Pick<Delivery, 'target' | 'request' | 'response'> & { error?: string | null };

/** Returns a copy of the delivery with credentials and known secrets replaced by "[redacted]". */
export function redactDelivery<T extends DeliveryLike>(delivery: T, secrets: readonly string[]): T {
  const known = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH).flatMap((secret) => [secret, encodeURIComponent(secret)]))];
  const scrub = (text: string) => known.reduce((out, secret) => out.split(secret).join(REDACTED), text);
  const headers = (pairs: readonly HeaderPair[]): HeaderPair[] =>
    pairs.map(([name, value]) => [name, CREDENTIAL_HEADERS.has(name.toLowerCase()) ? REDACTED : scrub(value)]);
  return {
    ...delivery,
    target: scrub(delivery.target),
    ...(typeof delivery.error === 'string' ? { error: scrub(delivery.error) } : {}),
    request: { ...delivery.request, headers: headers(delivery.request.headers) },
    response: delivery.response ? { ...delivery.response, headers: headers(delivery.response.headers) } : null,
  };
}
