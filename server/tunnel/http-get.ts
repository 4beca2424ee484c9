// A bounded, abortable GET for the tunnel's control, probe and password requests, over the one outbound client
// (server/http/outbound): fresh connection, the shared timeout and wording, never link-local or metadata.

import { sendOutbound } from '../http/outbound/send-outbound.ts';
import { ANY_HOST_POLICY } from '../http/outbound/target-policy.ts';

export interface GetTextOptions { headers?: Record<string, string>; signal?: AbortSignal; maxBytes: number }
export interface TextAnswer { status: number; body: string; location?: string }

/** GETs `url` and reads at most `maxBytes` of the answer; rejects on network errors, abort, or a longer body. */
export async function getText(url: string, options: GetTextOptions): Promise<TextAnswer> {
  const sent = await sendOutbound({
    target: url,
    method: 'GET',
    headers: (target) => [['Host', target.host], ...Object.entries(options.headers ?? {})],
    policy: ANY_HOST_POLICY,
    maxResponseBytes: options.maxBytes,
    overflow: 'fail',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
  if (sent.error !== null || !sent.response) throw new Error(sent.error ?? 'no answer');
  const location = sent.response.headers.find(([name]) => name.toLowerCase() === 'location')?.[1];
  return { status: sent.response.status, body: sent.response.body.toString('utf8'), ...(location ? { location } : {}) };
}
