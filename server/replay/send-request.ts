// Sends stored bytes to a developer's app exactly as given and records the answer as a delivery (through the one
// outbound client, server/http/outbound, which applies the target policy and the limits).

import type { Delivery, HeaderPair } from '../../shared/records.ts';
import { sendOutbound } from '../http/outbound/send-outbound.ts';
import type { Resolver, TargetPolicy } from '../http/outbound/target-policy.ts';
import { buildForwardHeaders, filterForwardHeaders } from './forward-headers.ts';

export interface SendRequestOptions {
  target: string;
  method: string;
  /** Headers as captured; hop-by-hop ones, Host and Content-Length are replaced. */
  headers: readonly HeaderPair[];
  body: Buffer;
  policy: TargetPolicy;
  /** Whole exchange limit, like miaPOS's 60 s. */
  timeoutMs?: number;
  /** Response bytes kept; the rest is cut and `truncated` set. */
  maxResponseBytes?: number;
  /** Resolver for hostnames (tests inject one); the system resolver by default. */
  resolve?: Resolver;
  /** Check https certificates (default true). */
  rejectUnauthorized?: boolean;
}

/** A delivery before the store gives it an id, sequence number, kind and links. */
export type SentRequest = Omit<Delivery, 'id' | 'seq' | 'kind' | 'captureId' | 'paymentId'>;

/** Sends the request and resolves with what happened; never rejects. */
export async function sendRequest(options: SendRequestOptions): Promise<SentRequest> {
  const startedAt = new Date().toISOString();
  const method = options.method.toUpperCase();
  const sent = await sendOutbound({
    target: options.target,
    method,
    headers: (url) => buildForwardHeaders(options.headers, { host: url.host, bodyLength: options.body.length, method }),
    body: options.body,
    policy: options.policy,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
    ...(options.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.rejectUnauthorized } : {}),
  });
  const { response } = sent;
  return {
    target: sent.target,
    startedAt,
    durationMs: sent.durationMs,
    request: { method, headers: sent.requestHeaders.length > 0 ? sent.requestHeaders : filterForwardHeaders(options.headers), bodyBase64: options.body.toString('base64') },
    response: response ? { status: response.status, headers: response.headers, bodyBase64: response.body.toString('base64'), truncated: response.truncated } : null,
    error: sent.error,
  };
}
