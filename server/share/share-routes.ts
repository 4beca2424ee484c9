// The read-only view a teammate opens through the tunnel: /share/<token>/ (the UI), /share/<token>/api/... (GET
// only) and /share/<token>/ws, on the ingress listener. Threat model: the link travels through chat and the public
// tunnel; it may leak. It shows captures and nothing else (no payments, deliveries, emulator or local URLs), a
// one-capture link shows that capture alone, every write answers 403, and the token is a signed, expiring JWT that
// one call revokes.

import express from 'express';
import { createErrorHandler } from '../http/error-handler.ts';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { readCaptureQuery } from '../http/read-capture-query.ts';
import type { WsHub } from '../inspector/ws-hub.ts';
import type { ShareGrant, ShareTokens } from './share-tokens.ts';
import type { ShareView } from './share-view.ts';

const SHARE_PATH = /^\/share\/([A-Za-z0-9_.-]+)(\/.*)?$/;

export interface ShareRoutes {
  /** Handles /share/... requests; false for other paths. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** Handles /share/<token>/ws upgrades; false for other paths. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

export interface ShareRouteOptions {
  tokens: ShareTokens;
  /** What a grant may see, and the stream that carries it. */
  viewFor(grant: ShareGrant): ShareView;
  hubFor(grant: ShareGrant): WsHub;
  uiDir: string;
}

export function createShareRoutes(options: ShareRouteOptions): ShareRoutes {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('strict routing', true);
  const router = express.Router({ mergeParams: true, strict: true });

  router.use(async (req, res, next) => {
    const grant = await options.tokens.verify(String(req.params.token));
    if (grant === null) {
      res.status(403).json({ error: { code: 'share_expired', message: 'This share link has expired or was revoked. Ask whoever shared it for a new link.' } });
      return;
    }
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', 'DENY');
    res.locals.view = options.viewFor(grant);
    next();
  });
  const viewOf = (res: express.Response) => res.locals.view as ShareView;
  router.get('/api/status', (_req, res) => void res.json(viewOf(res).status()));
  router.get('/api/captures', async (req, res) => void res.json(await viewOf(res).listCaptures(readCaptureQuery(req))));
  router.get('/api/captures/:id', async (req, res) => void res.json(await viewOf(res).getCapture(String(req.params.id))));
  router.all('/api/{*rest}', (req, res) => {
    res.status(403).json({ error: { code: 'read_only', message: `This is a read-only shared view: ${req.method} ${req.path} is not allowed. Ask the owner to do it from their inspector.` } });
  });
  if (existsSync(options.uiDir)) {
    router.use((_req, res, next) => {
      res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
      next();
    });
    router.use(express.static(options.uiDir, { index: 'index.html', dotfiles: 'ignore', redirect: false }));
    router.get('/{*rest}', (_req, res) => res.sendFile(join(options.uiDir, 'index.html')));
  }
  app.get('/share/:token', (req, res) => res.redirect(301, `/share/${encodeURIComponent(String(req.params.token))}/`));
  app.use('/share/:token', router);
  app.use(createErrorHandler());

  return {
    handle(request, response) {
      if (!SHARE_PATH.test((request.url ?? '/').split('?')[0]!)) return false;
      app(request as express.Request, response as express.Response);
      return true;
    },
    upgrade(request, socket, head) {
      const match = SHARE_PATH.exec((request.url ?? '/').split('?')[0]!);
      if (!match || match[2] !== '/ws') return false;
      const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      const origin = request.headers.origin;
      if (origin !== undefined && !isSameHost(origin, request.headers.host)) {
        refuse('403 Forbidden');
        return true;
      }
      options.tokens.verify(match[1]!).then((grant) => {
        if (grant !== null) options.hubFor(grant).accept(request, socket, head, grant.expiresAt);
        else refuse('403 Forbidden');
      }, () => refuse('500 Internal Server Error'));
      return true;
    },
  };
}

function isSameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
