// Listeners open before the services behind them exist (so their URLs are known when the services are built):
// a request that arrives in between waits and is answered once serve() is called, not dropped.

import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startIngress } from '../../server/capture/ingress-server.ts';

describe('a listener opened before its services', () => {
  it('holds a request that arrives before serve() and answers it after', async () => {
    const ingress = await startIngress({ host: '127.0.0.1', port: 0, maxBodyBytes: 1024, rateLimit: 0, respond: 'accept' });
    try {
      const arrived = once(ingress.server, 'request');
      const answer = fetch(`${ingress.url}/.well-known/early`);
      await arrived;
      ingress.serve({
        record: () => Promise.reject(new Error('this test sends no callback')),
        extraRoutes: (request, response) => {
          response.end(`served ${request.url}`);
          return true;
        },
      });
      const response = await answer;
      expect([response.status, await response.text()]).toEqual([200, 'served /.well-known/early']);
    } finally {
      await ingress.close();
    }
  });
});
