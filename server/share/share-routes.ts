// The read-only view a teammate opens through the tunnel: /share/<token>/ (the UI), /share/<token>/api/... (GET
// only) and /share/<token>/ws, on the ingress listener. Threat model: the link travels through chat and the public
// tunnel; it may leak. It shows captures and nothing else (no payments, deliveries, emulator or local URLs), every
// write answers 403, and the token is a signed, expiring JWT that one call revokes.

import express from 'express';
import { createErrorHandler } from '../http/error-handler.ts';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { CaptureDetail, CaptureListResponse, StatusResponse } from '../../shared/api.ts';
import { readCaptureQuery } from '../http/read-capture-query.ts';
import type { CaptureListQuery } from '../inspector/inspector-model.ts';
import type { WsHub } from '../inspector/ws-hub.ts';
import type { ShareTokens } from './share-tokens.ts';

const SHARE_PATH = /^\/share\/([A-Za-z0-9_.-]+)(\/.*)?$/;

export interface ShareView {
  status(): StatusResponse;
  listCaptures(query: CaptureListQuery): Promise<CaptureListResponse>;
  getCapture(id: string): Promise<CaptureDetail>;
}

export interface ShareRoutes {
  /** Handles /share/... requests; false for other paths. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** Handles /share/<token>/ws upgrades; false for other paths. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

export function createShareRoutes(options: { tokens: ShareTokens; view: ShareView; hub: WsHub; uiDir: string }): ShareRoutes {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('strict routing', true);
  const router = express.Router({ mergeParams: true, strict: true });

  router.use(async (req, res, next) => {
    if ((await options.tokens.verify(String(req.params.token))) === null) {
      res.status(403).json({ error: { code: 'share_expired', message: 'This share link has expired or was revoked. Ask whoever shared it for a new link.' } });
      return;
    }
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', 'DENY');
    next();
  });
  router.get('/api/status', (_req, res) => void res.json(options.view.status()));
  router.get('/api/captures', async (req, res) => void res.json(await options.view.listCaptures(readCaptureQuery(req))));
  router.get('/api/captures/:id', async (req, res) => void res.json(await options.view.getCapture(String(req.params.id))));
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
      options.tokens.verify(match[1]!).then((expiresAt) => {
        if (expiresAt !== null) options.hub.accept(request, socket, head, expiresAt);
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
