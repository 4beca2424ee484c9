// The inspector listener: the built UI, the token-protected /api and the /ws event stream, on loopback only.
// Threat model: hostile web pages in the developer's own browser (DNS rebinding, CSRF, cross-site WebSocket
// hijacking). Answers: exact loopback Host names, own Origin only, a per-launch bearer token, JSON-only writes,
// and never an Access-Control-Allow-Origin header.

import express, { type Express, type RequestHandler } from 'express';
import { createErrorHandler } from '../http/error-handler.ts';
import { listen, type Listening } from '../http/listen.ts';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { HttpError } from '../http/http-error.ts';
import { createAccessGuard, readBearer, readProtocolToken, type AccessGuard } from './access-guard.ts';
import { createApiRouter } from './api-routes.ts';
import type { InspectorModel } from './inspector-model.ts';
import type { WsHub } from './ws-hub.ts';

export interface InspectorOptions {
  host: string;
  port: number;
  token: string;
  uiDir: string;
  log?: (line: string) => void;
}

/** What the inspector serves, given once the services behind it exist. */
export interface InspectorServices {
  model: InspectorModel;
  /** The /ws stream; whoever made it closes it (before this listener, so its sockets do not hold the close up). */
  hub: WsHub;
}

export interface InspectorHandle extends Listening {
  server: Server;
  /** Starts answering; requests and upgrades that arrived since the listener opened wait for this. Call once. */
  serve(services: InspectorServices): void;
}

/** Opens the inspector listener, so its URL is known before the services behind it are built. */
export async function startInspector(options: InspectorOptions): Promise<InspectorHandle> {
  let serve!: (services: InspectorServices) => void;
  const served = new Promise<InspectorServices>((resolve) => (serve = resolve));
  const server = createServer();
  const listening = await listen(server, options.port, options.host);
  const guard = createAccessGuard(() => listening.port, options.token);
  const app = served.then(({ model }) => buildInspectorApp(guard, listening.port, model, options));
  server.on('request', (request, response) => void app.then((handle) => handle(request, response)));
  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => socket.destroy());
    void served.then(({ hub }) => {
      const refuse = (status: number, reason: string) => {
        socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      };
      // Host first, and no URL parsing of the request line: a path such as "//" would make new URL() throw.
      if (!guard.isAllowedHost(request.headers.host)) return refuse(403, 'Forbidden');
      if ((request.url ?? '/').split('?')[0] !== '/ws') return refuse(404, 'Not Found');
      if (!guard.isAllowedOrigin(request.headers.origin)) return refuse(403, 'Forbidden');
      const token = readProtocolToken(request.headers['sec-websocket-protocol']) ?? readBearer(request.headers.authorization);
      if (!guard.isToken(token)) return refuse(401, 'Unauthorized');
      hub.accept(request, socket, head);
    });
  });
  return { ...listening, server, serve };
}

/** The UI, the API and their checks, as one Express app. */
function buildInspectorApp(guard: AccessGuard, port: number, model: InspectorModel, options: InspectorOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const checkHost: RequestHandler = (req, res, next) => {
    if (guard.isAllowedHost(req.headers.host)) return next();
    res.status(403).type('text/plain').send(`miahook refuses Host "${req.headers.host ?? ''}": open http://127.0.0.1:${port}/ instead.`);
  };
  const checkApiAccess: RequestHandler = (req, _res, next) => {
    if (!guard.isAllowedOrigin(req.headers.origin)) return next(new HttpError(403, 'forbidden_origin', 'Cross-origin requests are refused; use the inspector page itself.'));
    if (!guard.isToken(readBearer(req.headers.authorization))) return next(new HttpError(401, 'unauthorized', 'Send the launch token as "Authorization: Bearer <token>" (it is in the URL miahook printed, and in runtime.json).'));
    if (!['GET', 'HEAD', 'DELETE'].includes(req.method) && !req.is('application/json')) {
      return next(new HttpError(415, 'json_only', 'This route takes a JSON body: send "Content-Type: application/json".'));
    }
    next();
  };

  app.use(checkHost);
  app.use((_req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  // An export of 10,000 captures is tens of MB: only the import route takes bodies that large.
  app.use('/api/import', checkApiAccess, express.text({ limit: '256mb', inflate: false, type: 'application/json' }));
  app.use('/api', checkApiAccess, express.json({ limit: '2mb', inflate: false, type: 'application/json' }), createApiRouter(model));
  if (existsSync(options.uiDir)) {
    app.use((_req, res, next) => {
      res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
      next();
    });
    app.use(express.static(options.uiDir, { index: 'index.html', dotfiles: 'ignore' }));
    app.get('/{*path}', (_req, res) => res.sendFile(join(options.uiDir, 'index.html')));
  }
  app.use(createErrorHandler(options.log));
  return app;
}
