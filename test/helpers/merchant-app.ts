// Test helper: a real HTTP "merchant app" on 127.0.0.1:0 that records every request byte-exact and answers as told.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { HeaderPair } from '../../shared/records.ts';

export interface RecordedRequest {
  method: string;
  url: string;
  /** req.rawHeaders, as Node gives them (name, value, name, value...). */
  rawHeaders: string[];
  /** req.rawHeaders as pairs, in the order they arrived. */
  headers: HeaderPair[];
  body: Buffer;
  receivedAt: number;
}

/** How the app answers one request. */
export interface MerchantResponse {
  status?: number;
  headers?: HeaderPair[];
  body?: string | Buffer;
  /** Answer after this many milliseconds. */
  delayMs?: number;
  /** Answer 302 with this Location. */
  redirect?: string;
  /** Never answer (the socket stays open until the client gives up or the app closes). */
  hang?: boolean;
  /** Destroy the socket instead of answering. */
  destroy?: boolean;
}

export type Responder = MerchantResponse | ((request: RecordedRequest) => MerchantResponse);

export interface MerchantApp {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections accepted so far (proves whether anything connected at all). */
  connections: () => number;
  /** Sets how every following request is answered (default 200 "ok"). */
  respondWith(responder: Responder): void;
  close(): Promise<void>;
}

export async function startMerchantApp(responder: Responder = {}): Promise<MerchantApp> {
  let current = responder;
  let connectionCount = 0;
  let closed: Promise<void> | null = null;
  const sockets = new Set<Socket>();
  const requests: RecordedRequest[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        rawHeaders: [...req.rawHeaders],
        headers: pairHeaders(req.rawHeaders),
        body: Buffer.concat(chunks),
        receivedAt: Date.now(),
      };
      requests.push(recorded);
      const spec = typeof current === 'function' ? current(recorded) : current;
      answer(res, spec);
    });
  });
  server.on('connection', (socket: Socket) => {
    connectionCount++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connectionCount,
    respondWith(next) {
      current = next;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

function answer(res: ServerResponse, spec: MerchantResponse): void {
  if (spec.hang) return;
  if (spec.destroy) {
    res.socket?.destroy();
    return;
  }
  const send = () => {
    if (res.socket?.destroyed) return;
    const status = spec.redirect ? 302 : (spec.status ?? 200);
    const headers: HeaderPair[] = [...(spec.headers ?? [])];
    if (spec.redirect) headers.push(['Location', spec.redirect]);
    const body = spec.body ?? (spec.redirect ? '' : 'ok');
    res.writeHead(status, headers.flat());
    res.end(body);
  };
  if (spec.delayMs) setTimeout(send, spec.delayMs);
  else send();
}

function pairHeaders(raw: readonly string[]): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}
