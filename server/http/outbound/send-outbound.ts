// The one HTTP client for every request miahook makes on a user's behalf (replay, forward, check, emulator
// callbacks, tunnel control and probe): one try, no redirects, a fresh connection, one timeout, one size cap,
// one wording of errors. Threat model: the target is checked against the policy as text, and every address a
// hostname resolves to is checked again at connect time, so no request reaches link-local or metadata addresses;
// the answer is capped and time-limited, so a hostile or stuck peer cannot grow memory or hold a request forever.

import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pairHeaders } from '../../../shared/http-headers.ts';
import type { HeaderPair } from '../../../shared/records.ts';
import { checkTarget, createGuardedLookup, ForbiddenTargetError, type Resolver, type TargetPolicy } from './target-policy.ts';

const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

export interface OutboundRequest {
  target: string;
  method: string;
  /** The exact headers to send, in order, built once the target URL is known (Host included by the caller). */
  headers: (url: URL) => HeaderPair[];
  body?: Buffer;
  policy: TargetPolicy;
  /** Whole exchange limit (default 60 s, like miaPOS). */
  timeoutMs?: number;
  /** Answer bytes kept (default 64 KiB). */
  maxResponseBytes?: number;
  /** 'truncate' (default) keeps the first bytes and sets `truncated`; 'fail' makes a longer answer an error. */
  overflow?: 'truncate' | 'fail';
  /** Aborts the exchange (e.g. shutdown); recorded as an error. */
  signal?: AbortSignal;
  /** Resolver for hostnames (tests inject one); the system resolver by default. */
  resolve?: Resolver;
  /** Check https certificates (default true). */
  rejectUnauthorized?: boolean;
}

export interface OutboundAnswer {
  status: number;
  headers: HeaderPair[];
  body: Buffer;
  truncated: boolean;
}

export interface OutboundResult {
  /** The normalised URL when it parsed, else the text given. */
  target: string;
  /** What was (or would have been) sent; empty when the target is not a URL. */
  requestHeaders: HeaderPair[];
  /** Null when no complete head came back. */
  response: OutboundAnswer | null;
  error: string | null;
  /** True when the target policy refused the request; nothing was sent. */
  refused: boolean;
  durationMs: number;
}

/** Sends the request and resolves with what happened; never rejects. */
export function sendOutbound(options: OutboundRequest): Promise<OutboundResult> {
  const started = performance.now();
  const body = options.body ?? Buffer.alloc(0);
  const check = checkTarget(options.target, options.policy);
  if (!check.ok) {
    let headers: HeaderPair[] = [];
    try {
      headers = options.headers(new URL(options.target));
    } catch {
      // not a URL: nothing to show
    }
    return Promise.resolve({ target: options.target, requestHeaders: headers, response: null, error: `forbidden target: ${check.reason}`, refused: true, durationMs: 0 });
  }
  const url = check.url;
  const requestHeaders = options.headers(url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  return new Promise((resolve) => {
    let response: OutboundAnswer | null = null;
    const chunks: Buffer[] = [];
    let settled = false;
    let request: ClientRequest | undefined;
    const finish = (error: string | null, refused = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      request?.destroy();
      if (response) response.body = Buffer.concat(chunks);
      resolve({ target: url.href, requestHeaders, response, error, refused, durationMs: Math.round(performance.now() - started) });
    };
    const onAbort = () => finish('stopped before the answer came (miahook is shutting down)');
    const timer = setTimeout(() => finish(`timeout after ${timeoutMs} ms`), timeoutMs);
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    try {
      request = send({
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: options.method.toUpperCase(),
        headers: requestHeaders.flat(),
        setHost: false,
        agent: false,
        lookup: createGuardedLookup(check, options.resolve),
        rejectUnauthorized: options.rejectUnauthorized ?? true,
      });
    } catch (error) {
      return finish(`the request could not be sent: ${(error as Error).message}`);
    }
    request.on('error', (error) => finish(describeError(error, url), error instanceof ForbiddenTargetError));
    request.on('response', (incoming: IncomingMessage) => {
      let size = 0;
      const current: OutboundAnswer = { status: incoming.statusCode ?? 0, headers: pairHeaders(incoming.rawHeaders), body: Buffer.alloc(0), truncated: false };
      response = current;
      incoming.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = maxBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          current.truncated = true;
          return finish(options.overflow === 'fail' ? `the answer from ${url.host} is larger than ${maxBytes} bytes` : null);
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      incoming.on('end', () => finish(null));
      incoming.on('error', () => finish(`${url.host} closed the connection while sending its answer`));
      incoming.on('aborted', () => finish(`${url.host} closed the connection while sending its answer`));
    });
    request.end(body);
  });
}

/** One wording for network failures, naming the host and what to check. */
function describeError(error: Error, url: URL): string {
  if (error instanceof ForbiddenTargetError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (ECONNREFUSED): is the app running on that port?`;
    case 'ECONNRESET':
      return error.message === 'socket hang up'
        ? `${where} closed the connection without answering (socket hang up, ECONNRESET)`
        : `the connection to ${where} was reset (ECONNRESET)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${url.hostname} could not be resolved (${code})`;
    default:
      return code ? `${error.message} (${code})` : error.message;
  }
}
