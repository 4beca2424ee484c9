// Sends one callback POST like miaPOS: the given bytes, JSON, one try, no redirects followed, a hard timeout;
// through the one outbound client, so a callbackUrl on a link-local or metadata address is refused, never sent.

import type { Delivery, HeaderPair } from '../../shared/records.ts';
import { DEFAULT_MAX_RESPONSE_BYTES, sendOutbound } from '../http/outbound/send-outbound.ts';
import { ANY_HOST_POLICY } from '../http/outbound/target-policy.ts';

export interface SendOutcome {
  requestHeaders: HeaderPair[];
  response: Delivery['response'];
  error: string | null;
  /** True when the target policy refused the callback: nothing was sent. */
  refused: boolean;
  durationMs: number;
}

/** The headers a callback is sent with, in order (what is recorded is what is sent). */
export function buildCallbackHeaders(target: URL, body: Buffer): HeaderPair[] {
  return [
    ['Host', target.host],
    ['User-Agent', 'miahook-emulator'],
    ['Content-Type', 'application/json'],
    ['Content-Length', String(body.length)],
    ['Connection', 'close'],
  ];
}

/** POSTs `body` to `target`. Never throws: failures come back as `error` (the outbound client's wording). */
export async function sendCallback(target: string, body: Buffer, timeoutMs: number, signal: AbortSignal): Promise<SendOutcome> {
  const sent = await sendOutbound({
    target,
    method: 'POST',
    headers: (url) => buildCallbackHeaders(url, body),
    body,
    policy: ANY_HOST_POLICY, // any host the app names, like miaPOS; never link-local or metadata
    timeoutMs,
    maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
    signal,
  });
  const { response } = sent;
  return {
    requestHeaders: sent.requestHeaders,
    response: response ? { status: response.status, headers: response.headers, bodyBase64: response.body.toString('base64'), truncated: response.truncated } : null,
    error: sent.error,
    refused: sent.refused,
    durationMs: sent.durationMs,
  };
}
