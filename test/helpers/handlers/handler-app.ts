// Test helper: a merchant's callback handler as a real node:http app on 127.0.0.1:0. The default is a correct one
// (emulator key fetched with a bearer token, signature verified over the canonical string, 400 on tampering and bad
// input, duplicates and downgrades answered 200 and ignored); options switch on one classic mistake each.

import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchPublicKey, type MerchantCredentials } from './emulator-api.ts';
import { buildHandlerSignString, type HandlerSignOptions } from './sign-string.ts';

export interface HandlerOptions extends Partial<HandlerSignOptions> {
  emulatorUrl: string;
  credentials: MerchantCredentials;
  /** false: answers 200 to anything, verifies nothing. */
  verify?: boolean;
  /** true: no try/catch and no shape checks, so bad input ends in 500. */
  crashOnBadInput?: boolean;
  /** Waits this long before answering an accepted callback (slow work done before answering). */
  delayMs?: number;
  /** Default 0 (a free port). */
  port?: number;
}

export interface HandlerApp {
  /** The callback URL (path /miapos/callback). */
  url: string;
  /** Status each payment was applied with (final statuses never change). */
  orders: Map<string, string>;
  /** Requests received. */
  received: () => number;
  setDelay(ms: number): void;
  close(): Promise<void>;
}

const FINAL = ['SUCCESS', 'FAILED', 'DECLINED', 'EXPIRED'];

export async function startHandlerApp(options: HandlerOptions): Promise<HandlerApp> {
  const signOptions: HandlerSignOptions = { amount: options.amount ?? 'two-decimals', fields: options.fields ?? 'all', values: options.values ?? 'as-is' };
  const orders = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  let delayMs = options.delayMs ?? 0;
  let received = 0;
  let key: Promise<KeyObject> | null = null;
  const publicKey = () => (key ??= fetchPublicKey(options.emulatorUrl, options.credentials).then((base64) => createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' })));

  const answer = (res: ServerResponse, status: number, text: string, wait = 0) => {
    const send = () => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(text);
    };
    if (wait <= 0) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, wait);
    timers.add(timer);
  };

  const handle = async (text: string, res: ServerResponse) => {
    if (options.verify === false) return answer(res, 200, 'ok');
    let body: { result?: unknown; signature?: unknown };
    if (options.crashOnBadInput) {
      body = JSON.parse(text) as typeof body;
    } else {
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return answer(res, 400, 'not JSON');
      }
      if (!body || typeof body !== 'object' || !body.result || typeof body.result !== 'object' || Array.isArray(body.result)) return answer(res, 400, 'no result object');
      if (typeof body.signature !== 'string' || body.signature === '') return answer(res, 400, 'no signature');
    }
    const result = body.result as Record<string, unknown>;
    const canonical = buildHandlerSignString(text, result, signOptions);
    const signature = Buffer.from(body.signature as string, 'base64');
    if (!verify('RSA-SHA256', Buffer.from(canonical, 'utf8'), await publicKey(), signature)) return answer(res, 400, 'bad signature');
    const paymentId = String(result.paymentId);
    const current = orders.get(paymentId);
    if (!current || !FINAL.includes(current)) orders.set(paymentId, String(result.status));
    answer(res, 200, 'ok', delayMs);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    received++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(Buffer.concat(chunks).toString('utf8'), res).catch(() => answer(res, 500, 'Internal Server Error'));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}/miapos/callback`,
    orders,
    received: () => received,
    setDelay(ms) {
      delayMs = ms;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
