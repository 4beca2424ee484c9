// The ingress listener: the only port the tunnel exposes. It captures POST /callback[/<channel>] byte-exact
// and serves nothing private. Threat model: anyone on the internet can reach it; bodies are untrusted bytes,
// senders may flood (per-sender 429), crawl slowly (header/request timeouts) or send huge bodies (413).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pairHeaders } from '../../shared/http-headers.ts';
import type { CaptureInfo, Delivery, HeaderPair } from '../../shared/records.ts';
import { listen, type Listening } from '../http/listen.ts';
import { BodyTooLargeError, readBody } from './read-body.ts';
import { identifySender } from './identify-sender.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import type { CaptureRecorder } from './record-capture.ts';

const BYTES_PER_REQUEST = 16 * 1024;
const CALLBACK_PATH = /^\/callback(?:\/([A-Za-z0-9_-]{1,64}))?\/?$/;

export interface IngressOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  rateLimit: number;
  respond: 'accept' | 'strict' | 'proxy';
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

/** What the ingress does with requests, given once the services behind it exist. */
export interface IngressRoutes {
  record: CaptureRecorder;
  /** --respond proxy: forwards the stored capture to the app and returns the app's answer (null: no app). */
  proxy?: (capture: CaptureInfo, body: Buffer, headers: HeaderPair[]) => Promise<Delivery | null>;
  /** Extra routes (probe, shared view) tried before the 404; return true when handled. */
  extraRoutes?: (request: IncomingMessage, response: ServerResponse) => boolean;
  /** WebSocket upgrades (the shared view's stream); return true when handled. Others get 404. */
  upgrade?: (request: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
}

export interface IngressHandle extends Listening {
  server: Server;
  /** Starts answering with `routes`; requests that arrived since the listener opened wait for this. Call once. */
  serve(routes: IngressRoutes): void;
}

/** Opens the ingress listener, so its URL is known before the services behind it are built. */
export async function startIngress(options: IngressOptions): Promise<IngressHandle> {
  let serve!: (routes: IngressRoutes) => void;
  const served = new Promise<IngressRoutes>((resolve) => (serve = resolve));
  const limiter = createRateLimiter(options.rateLimit);
  // Bytes too: a miaPOS callback is ~1-2 KB, so each allowed request may bring 16 KiB on average (any single body
  // up to --max-body still fits), and a flood of large bodies cannot churn the store's 256 MiB of history.
  const byteLimiter = createRateLimiter(options.rateLimit * BYTES_PER_REQUEST, Date.now, 10_000, 10, options.maxBodyBytes);
  const limiters = { requests: limiter, bytes: byteLimiter };
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = createServer({
    headersTimeout,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    keepAliveTimeout: 5_000,
  });
  // Byte-exact means every header: Node keeps only the first 1,000 by default and drops the rest silently.
  // 0 lifts the count; the header size limit (16 KiB, 431 beyond, nothing captured) still bounds them.
  server.maxHeadersCount = 0;
  server.on('request', (request, response) => {
    served.then((routes) => handleRequest(request, response, { ...options, ...routes }, limiters)).catch((error: unknown) => {
      options.log?.(`ingress: could not store a capture: ${(error as Error).message}`);
      if (!response.headersSent) sendJson(response, 500, { received: false, error: 'miahook could not store this callback; it was not kept. Check the terminal for the reason.' });
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout'
      : error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large'
      : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => socket.destroy());
    void served.then((routes) => {
      if (routes.upgrade?.(request, socket, head)) return;
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  });
  return { ...(await listen(server, options.port, options.host)), server, serve };
}

async function handleRequest(request: IncomingMessage, response: ServerResponse, options: IngressOptions & IngressRoutes, limiters: { requests: RateLimiter; bytes: RateLimiter }): Promise<void> {
  const receivedAt = new Date();
  const path = (request.url ?? '/').split('?')[0]!;
  const match = CALLBACK_PATH.exec(path);
  if (!match) {
    if (options.extraRoutes?.(request, response)) return;
    request.resume();
    sendJson(response, 404, { error: { code: 'not_found', message: 'This is the miahook ingress: it only captures POST /callback and POST /callback/<channel> (letters, digits, - and _).' } });
    return;
  }
  if (request.method !== 'POST') {
    request.resume();
    response.setHeader('allow', 'POST');
    sendJson(response, 405, { error: { code: 'method_not_allowed', message: `Send callbacks with POST to ${path}.` } });
    return;
  }
  const remoteAddress = request.socket.remoteAddress ?? 'unknown';
  const sender = identifySender(remoteAddress, request.headers['x-forwarded-for']);
  if (!limiters.requests.take(sender)) {
    request.resume();
    response.setHeader('retry-after', '1');
    sendJson(response, 429, { error: { code: 'rate_limited', message: `Too many callbacks from ${sender}: the limit is ${options.rateLimit} per second (--rate-limit). Slow down and retry.` } });
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(request, options.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      response.setHeader('connection', 'close');
      sendJson(response, 413, { error: { code: 'body_too_large', message: `The body is larger than ${options.maxBodyBytes} bytes, the --max-body limit; nothing was captured. A miaPOS callback is under 2 KB.` } });
      return;
    }
    throw error;
  }
  if (!limiters.bytes.take(sender, body.length)) {
    response.setHeader('retry-after', '1');
    sendJson(response, 429, { error: { code: 'rate_limited', message: `Too many bytes from ${sender}: the limit is ${options.rateLimit * BYTES_PER_REQUEST} bytes per second (--rate-limit x 16 KiB). Nothing was captured; slow down and retry.` } });
    return;
  }
  const headers = pairHeaders(request.rawHeaders);
  const capture = await options.record({
    method: request.method,
    url: request.url ?? '/',
    channel: match[1] ?? null,
    headers,
    body,
    remoteAddress,
    sender,
    receivedAt,
  });
  if (options.respond === 'proxy' && options.proxy) {
    answerWithApp(response, capture, await options.proxy(capture, body, headers));
    return;
  }
  answerCapture(response, capture, options.respond);
}

/** --respond proxy: the sender gets the app's status and body (the capture is stored either way). */
function answerWithApp(response: ServerResponse, capture: CaptureInfo, delivery: Delivery | null): void {
  if (!delivery) {
    sendJson(response, 200, { received: true, id: capture.id, note: 'No app to proxy to: start with --forward-to <url>.' });
    return;
  }
  if (!delivery.response) {
    sendJson(response, 502, { received: true, id: capture.id, error: `Your app did not answer: ${delivery.error ?? 'no response'}.` });
    return;
  }
  const body = Buffer.from(delivery.response.bodyBase64, 'base64');
  const contentType = delivery.response.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  response.writeHead(delivery.response.status, { 'content-length': body.length, ...(contentType ? { 'content-type': contentType } : {}), 'x-miahook-capture-id': capture.id });
  response.end(body);
}

function answerCapture(response: ServerResponse, capture: CaptureInfo, mode: IngressOptions['respond']): void {
  const verdict = capture.verification;
  if (mode === 'strict' && verdict.verdict !== 'valid') {
    sendJson(response, 400, { received: true, id: capture.id, error: `Rejected like a correct handler would: ${verdict.reason}` });
    return;
  }
  sendJson(response, 200, { received: true, id: capture.id });
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'x-content-type-options': 'nosniff' });
  response.end(text);
}
