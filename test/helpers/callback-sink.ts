// Test helper: a tiny real HTTP server on 127.0.0.1:0 that records every request it receives (method, url, raw headers, body bytes).

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HeaderPair } from '../../shared/records.ts';

export interface SinkRequest {
  method: string;
  url: string;
  /** Headers as received, name case and order kept. */
  headers: HeaderPair[];
  body: Buffer;
  receivedAt: number;
}

export interface SinkOptions {
  /** Status of every answer (default 200). */
  status?: number;
  /** Answer after this many milliseconds (default 0). */
  delayMs?: number;
  /** Answer body (default "ok"). */
  body?: string;
  /** Extra answer headers (e.g. Location with a 302). */
  headers?: Record<string, string>;
}

export interface CallbackSink {
  url: string;
  port: number;
  requests: SinkRequest[];
  /** Changes how the following requests are answered. */
  configure(options: SinkOptions): void;
  /** Idempotent; drops open connections and pending delayed answers. */
  close(): Promise<void>;
}

export async function startCallbackSink(options: SinkOptions = {}): Promise<CallbackSink> {
  let settings: SinkOptions = { ...options };
  const requests: SinkRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: HeaderPair[] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers, body: Buffer.concat(chunks), receivedAt: Date.now() });
      const { status = 200, delayMs = 0, body = 'ok', headers: extra = {} } = settings;
      const answer = () => {
        timers.delete(timer);
        res.writeHead(status, { 'Content-Type': 'text/plain', ...extra }).end(body);
      };
      const timer = setTimeout(answer, delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    configure(next) {
      settings = { ...settings, ...next };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
