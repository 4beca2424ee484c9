// Sends one callback POST like miaPOS: the given bytes, JSON, one try, no redirects followed, a hard timeout; records the answer.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Delivery, HeaderPair } from '../../shared/records.ts';

export const RESPONSE_EXCERPT_BYTES = 64 * 1024;

export interface SendOutcome {
  requestHeaders: HeaderPair[];
  response: Delivery['response'];
  error: string | null;
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

/** POSTs `body` to `target`. Never throws: failures come back as `error` ('timeout', 'connection refused: ...'). */
export function sendCallback(target: string, body: Buffer, timeoutMs: number, signal: AbortSignal): Promise<SendOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      resolve({ requestHeaders: [], response: null, error: `invalid callback URL: ${target}`, durationMs: 0 });
      return;
    }
    const requestHeaders = buildCallbackHeaders(url, body);
    let settled = false;
    const finish = (response: Delivery['response'], error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve({ requestHeaders, response, error, durationMs: Math.round(performance.now() - started) });
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', agent: false, headers: Object.fromEntries(requestHeaders) });
    const timer = setTimeout(() => {
      finish(null, `timeout: no complete answer within ${timeoutMs} ms`);
      req.destroy();
    }, timeoutMs);
    const onAbort = () => {
      finish(null, 'emulator stopped before the answer came');
      req.destroy();
    };
    signal.addEventListener('abort', onAbort);
    req.on('error', (error) => finish(null, describeError(error as NodeJS.ErrnoException, url)));
    req.on('response', (res) => readResponse(res, finish));
    req.end(body);
  });
}

function readResponse(res: IncomingMessage, finish: (response: Delivery['response'], error: string | null) => void): void {
  const chunks: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  res.on('data', (chunk: Buffer) => {
    if (kept >= RESPONSE_EXCERPT_BYTES) {
      truncated = true;
      return;
    }
    const room = RESPONSE_EXCERPT_BYTES - kept;
    if (chunk.length > room) truncated = true;
    const piece = chunk.subarray(0, room);
    chunks.push(piece);
    kept += piece.length;
  });
  const done = () =>
    finish({ status: res.statusCode ?? 0, headers: pairHeaders(res.rawHeaders), bodyBase64: Buffer.concat(chunks).toString('base64'), truncated }, null);
  res.on('end', done);
  res.on('error', () => finish({ status: res.statusCode ?? 0, headers: pairHeaders(res.rawHeaders), bodyBase64: Buffer.concat(chunks).toString('base64'), truncated: true }, 'the answer was cut off'));
}

function pairHeaders(raw: string[]): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

function describeError(error: NodeJS.ErrnoException, url: URL): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `connection refused: nothing listens on ${url.host}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${url.hostname}`;
    case 'ECONNRESET':
      return `connection reset by ${url.host} before it answered`;
    default:
      return `request failed: ${error.code ? `${error.code} ` : ''}${error.message}`;
  }
}
