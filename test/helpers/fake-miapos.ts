// Test helper: a tiny real miaPOS-like server whose answers a test scripts (token, refresh, pay, errors, silence).

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMiapos {
  url: string;
  calls: string[];
  /** Answers the next request to `path` this way instead of the default. */
  script(path: string, answer: (request: IncomingMessage, response: ServerResponse) => void): void;
  close(): Promise<void>;
}

export async function startFakeMiapos(options: { accessTokenSeconds?: number } = {}): Promise<FakeMiapos> {
  const scripted = new Map<string, Array<(request: IncomingMessage, response: ServerResponse) => void>>();
  const calls: string[] = [];
  let issued = 0;
  const send = (response: ServerResponse, status: number, body: unknown) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    response.writeHead(status, text ? { 'content-type': 'application/json' } : {});
    response.end(text);
  };
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    const auth = request.headers.authorization ?? '';
    calls.push(`${request.method} ${path}${auth ? ` ${auth}` : ''}`);
    request.resume();
    request.on('end', () => {
      const next = scripted.get(path)?.shift();
      if (next) return next(request, response);
      if (path === '/ecomm/api/v1/token' || path === '/ecomm/api/v1/token/refresh') {
        issued += 1;
        return send(response, 200, { accessToken: `access-${issued}`, accessTokenExpiresIn: options.accessTokenSeconds ?? 300, refreshToken: `refresh-${issued}`, refreshTokenExpiresIn: 432000, tokenType: 'Bearer' });
      }
      if (!auth.startsWith('Bearer access-')) return send(response, 401, undefined);
      if (path === '/ecomm/api/v1/pay') return send(response, 200, { orderId: 'o-1', paymentId: 'p-1', checkoutPage: 'http://checkout/p-1' });
      if (path === '/ecomm/api/v1/public-key') return send(response, 200, { publicKey: 'AAAA' });
      return send(response, 400, { errorCode: '1', errorMessage: `Ecomm payment info not found with payment id [${path.split('/').pop()}]` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    script(path, answer) {
      scripted.set(path, [...(scripted.get(path) ?? []), answer]);
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
