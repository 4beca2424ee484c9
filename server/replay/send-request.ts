// Sends stored bytes to a developer's app exactly as given and records the answer as a delivery (no redirects followed).
// Threat model: the target is checked (string and resolved address) before any connection; the answer is capped
// and time-limited, so a hostile or stuck app cannot grow memory or hold a replay forever.

import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Delivery, HeaderPair } from '../../shared/records.ts';
import { buildForwardHeaders, filterForwardHeaders } from './forward-headers.ts';
import { checkTarget, createGuardedLookup, ForbiddenTargetError, type Resolver, type TargetPolicy } from './target-policy.ts';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

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
export function sendRequest(options: SendRequestOptions): Promise<SentRequest> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const method = options.method.toUpperCase();
  const check = checkTarget(options.target, options.policy);
  if (!check.ok) {
    return Promise.resolve({
      target: options.target,
      startedAt,
      durationMs: 0,
      request: { method, headers: filterForwardHeaders(options.headers), bodyBase64: options.body.toString('base64') },
      response: null,
      error: `forbidden target: ${check.reason}`,
    });
  }
  const url = check.url;
  const headers = buildForwardHeaders(options.headers, { host: url.host, bodyLength: options.body.length, method });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  return new Promise((resolve) => {
    let response: SentRequest['response'] = null;
    let settled = false;
    let request: ClientRequest | undefined;
    let collectBody = () => {};
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      collectBody();
      request?.destroy();
      resolve({
        target: url.href,
        startedAt,
        durationMs: Math.round(performance.now() - started),
        request: { method, headers, bodyBase64: options.body.toString('base64') },
        response,
        error,
      });
    };
    const timer = setTimeout(() => finish(`timeout after ${timeoutMs} ms`), timeoutMs);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    try {
      request = send({
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method,
        headers: headers.flat(),
        setHost: false,
        agent: false,
        lookup: createGuardedLookup(check, options.resolve),
        rejectUnauthorized: options.rejectUnauthorized ?? true,
      });
    } catch (error) {
      finish(`the request could not be sent: ${(error as Error).message}`);
      return;
    }
    request.on('error', (error) => finish(describeError(error, url)));
    request.on('response', (incoming: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const current = { status: incoming.statusCode ?? 0, headers: pairHeaders(incoming.rawHeaders), bodyBase64: '', truncated: false };
      response = current;
      collectBody = () => {
        current.bodyBase64 = Buffer.concat(chunks).toString('base64');
      };
      incoming.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = maxBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size = maxBytes;
          current.truncated = true;
          finish(null);
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      incoming.on('end', () => finish(null));
      incoming.on('error', () => finish('the app closed the connection while sending its answer'));
      incoming.on('aborted', () => finish('the app closed the connection while sending its answer'));
    });
    request.end(options.body);
  });
}

function pairHeaders(raw: readonly string[]): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

function describeError(error: Error, url: URL): string {
  if (error instanceof ForbiddenTargetError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (ECONNREFUSED): is the app running on that port?`;
    case 'ECONNRESET':
      return error.message === 'socket hang up'
        ? `the app closed the connection without answering (socket hang up, ECONNRESET)`
        : `the connection to ${where} was reset (ECONNRESET)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${url.hostname} could not be resolved (${code})`;
    default:
      return code ? `${error.message} (${code})` : error.message;
  }
}
