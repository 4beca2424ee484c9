// The emulator's Express app: thin handlers that call the miaPOS API, checkout and control functions.
// Threat model: a loopback listener for the developer's app, browser and scripts; no secret is ever served
// (tokens need the merchant secret; the private key never leaves the process).

import express, { type NextFunction, type Request, type Response } from 'express';
import { EmulatorError, MiaposError, renderEmulatorError, renderMiaposError, type ErrorStyle } from './errors.ts';
import { showCheckout, submitOutcome, type CheckoutContext, type PageAnswer } from './checkout.ts';
import { getDeliveries, getFaults, postFaults, postOutcome, type ControlContext } from './control.ts';
import type { ApiAnswer, MiaposApi } from './miapos-api.ts';
import { renderMessagePage } from './checkout-page.ts';

export interface EmulatorAppContext {
  api: MiaposApi;
  checkout: CheckoutContext;
  control: ControlContext;
  errorStyle: ErrorStyle;
  log: (line: string) => void;
}

const V1 = '/ecomm/api/v1';
const ENDPOINTS = `POST ${V1}/token, POST ${V1}/token/refresh, POST ${V1}/pay, POST ${V1}/request-to-pay/direct, GET ${V1}/payment/{paymentId}, GET ${V1}/public-key, GET /checkout?paymentId=..., POST /_emulator/payments/{paymentId}/outcome, GET|POST /_emulator/faults, GET /_emulator/deliveries`;
const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

type Handler = (req: Request) => Promise<ApiAnswer> | ApiAnswer;

export function createEmulatorApp(context: EmulatorAppContext): express.Express {
  const { api } = context;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const raw = express.raw({ type: () => true, limit: '100kb' });
  const miapos = (handler: Handler) => async (req: Request, res: Response) => {
    try {
      sendAnswer(res, await handler(req));
    } catch (error) {
      sendAnswer(res, answerMiaposError(context, req, error));
    }
  };
  const control = (handler: Handler) => async (req: Request, res: Response) => {
    try {
      sendAnswer(res, await handler(req));
    } catch (error) {
      sendAnswer(res, answerControlError(context, req, error));
    }
  };
  const page = (handler: (req: Request) => Promise<PageAnswer>) => async (req: Request, res: Response) => sendPage(res, await handler(req));
  const auth = (req: Request) => req.headers.authorization;
  const body = (req: Request) => (Buffer.isBuffer(req.body) ? req.body : undefined);
  const param = (req: Request, name: string) => String(req.params[name] ?? '');

  app.post(`${V1}/token`, raw, miapos((req) => api.requestToken(body(req))));
  app.post(`${V1}/token/refresh`, raw, miapos((req) => api.refreshToken(body(req))));
  app.post(`${V1}/pay`, raw, miapos((req) => api.registerPayment(auth(req), body(req), 'pay')));
  app.post(`${V1}/request-to-pay/direct`, raw, miapos((req) => api.registerPayment(auth(req), body(req), 'rtp')));
  app.get(`${V1}/payment/:paymentId`, miapos((req) => api.readPayment(auth(req), param(req, 'paymentId'))));
  app.get(`${V1}/public-key`, miapos((req) => api.readPublicKey(auth(req))));
  app.get('/api/v1/public-key', miapos((req) => api.readOldPublicKey(auth(req))));

  app.get('/checkout', page((req) => showCheckout(context.checkout, req.query.paymentId)));
  app.post('/checkout/:paymentId/outcome', express.urlencoded({ extended: false, limit: '8kb' }), page((req) =>
    submitOutcome(context.checkout, param(req, 'paymentId'), (req.body as Record<string, unknown> | undefined)?.outcome, req.headers.origin, req.headers.host)));

  app.post('/_emulator/payments/:paymentId/outcome', raw, control((req) => postOutcome(context.control, param(req, 'paymentId'), req.headers['content-type'], body(req))));
  app.get('/_emulator/faults', control(() => getFaults(context.control)));
  app.post('/_emulator/faults', raw, control((req) => postFaults(context.control, req.headers['content-type'], body(req))));
  app.get('/_emulator/deliveries', control(() => getDeliveries(context.control)));

  app.use((req: Request, res: Response) => {
    const message = `No endpoint ${req.method} ${req.path} on the miaPOS emulator. It serves: ${ENDPOINTS}.`;
    if (req.path.startsWith('/_emulator')) sendAnswer(res, renderEmulatorError(new EmulatorError(404, 'NOT_FOUND', message)));
    else sendAnswer(res, renderMiaposError(new MiaposError(404, 'NOT_FOUND', message), context.errorStyle));
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (req.path.startsWith('/checkout')) {
      const status = readParserStatus(error) ?? 500;
      if (status === 500) context.log(`checkout page failed: ${(error as Error).message}`);
      sendPage(res, { status, html: renderMessagePage('Error', status === 500 ? 'The emulator failed to render this page.' : 'The form could not be read.') });
    } else if (req.path.startsWith('/_emulator')) {
      sendAnswer(res, answerControlError(context, req, error));
    } else {
      sendAnswer(res, answerMiaposError(context, req, error));
    }
  });
  return app;
}

function answerMiaposError(context: EmulatorAppContext, req: Request, error: unknown): ApiAnswer {
  const known = error instanceof MiaposError ? error : fromParserError(error);
  if (!known) {
    context.log(`${req.method} ${req.path} failed: ${(error as Error)?.stack ?? String(error)}`);
    return renderMiaposError(new MiaposError(500, 'INTERNAL_ERROR', 'Internal server error.'), context.errorStyle);
  }
  context.log(`${req.method} ${req.path} -> ${known.status}: ${known.message}`);
  return renderMiaposError(known, context.errorStyle);
}

function answerControlError(context: EmulatorAppContext, req: Request, error: unknown): ApiAnswer {
  if (error instanceof EmulatorError) return renderEmulatorError(error);
  const status = readParserStatus(error);
  if (status) return renderEmulatorError(new EmulatorError(status, 'INVALID_REQUEST', `The request body could not be read (${(error as Error).message}).`));
  context.log(`${req.method} ${req.path} failed: ${(error as Error)?.stack ?? String(error)}`);
  return { status: 500, body: JSON.stringify({ error: { code: 'INTERNAL_ERROR', message: 'The emulator failed; see its log.' } }) };
}

/** Body-parser failures (too large, bad encoding) as miaPOS errors. */
function fromParserError(error: unknown): MiaposError | null {
  const status = readParserStatus(error);
  if (!status) return null;
  return status === 413
    ? new MiaposError(413, 'PAYLOAD_TOO_LARGE', 'Request body is too large (limit 100 kB).')
    : new MiaposError(400, 'INVALID_REQUEST', `The request body could not be read (${(error as Error).message}).`);
}

function readParserStatus(error: unknown): number | null {
  const status = (error as { status?: unknown; type?: unknown } | null)?.status;
  const type = (error as { type?: unknown } | null)?.type;
  return typeof status === 'number' && status >= 400 && status < 500 && typeof type === 'string' ? status : null;
}

function sendAnswer(res: Response, answer: ApiAnswer): void {
  res.status(answer.status);
  if (answer.body === '') {
    res.end();
    return;
  }
  res.type('application/json').send(answer.body);
}

function sendPage(res: Response, answer: PageAnswer): void {
  res.set(PAGE_HEADERS);
  if (answer.location) {
    res.redirect(303, answer.location);
    return;
  }
  res.status(answer.status).type('html').send(answer.html ?? '');
}
