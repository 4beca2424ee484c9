// The inspector's /api routes: each reads the request through its schema (400 naming a bad field), calls the model, sends the answer.

import { Router, type Request } from 'express';
import type { InspectorModel } from './inspector-model.ts';
import { readCaptureQuery } from '../http/read-capture-query.ts';
import { HttpError } from '../http/http-error.ts';
import { sendChunks } from '../http/send-chunks.ts';
import { readObject, readQuery } from '../http/schema.ts';
import { CHECK_BODY, EXPORT_QUERY, FORWARDING_BODY, IMPORT_QUERY, NEW_PAYMENT_BODY, REPLAY_BODY, SHARE_BODY, SIMULATE_BODY } from './request-schemas.ts';

export function createApiRouter(model: InspectorModel): Router {
  const router = Router();
  router.get('/status', (_req, res) => void res.json(model.status()));
  router.get('/captures', async (req, res) => void res.json(await model.listCaptures(readCaptureQuery(req))));
  router.get('/captures/:id', async (req, res) => void res.json(await model.getCapture(param(req, 'id'))));
  router.delete('/captures/:id', async (req, res) => {
    await model.deleteCapture(param(req, 'id'));
    res.json({ deleted: 1 });
  });
  router.delete('/captures', async (_req, res) => void res.json({ deleted: await model.clearCaptures() }));
  router.get('/payments', (_req, res) => void res.json({ items: model.listPayments() }));
  router.post('/payments', async (req, res) => void res.status(201).json(await model.registerPayment(readObject(req.body, NEW_PAYMENT_BODY))));
  router.get('/payments/:paymentId', async (req, res) => void res.json(await model.refreshPayment(param(req, 'paymentId'))));
  router.post('/payments/:paymentId/simulate', async (req, res) => void res.json(await model.simulatePayment(param(req, 'paymentId'), readObject(req.body, SIMULATE_BODY).status)));
  router.get('/emulator', (_req, res) => void res.json(requireEmulator(model)));
  router.post('/emulator/reveal-secret', (_req, res) => {
    requireEmulator(model);
    res.setHeader('cache-control', 'no-store');
    res.json({ secretKey: model.revealEmulatorSecret() });
  });
  router.post('/captures/:id/replay', async (req, res) => void res.json(await model.replayCapture(param(req, 'id'), readObject(req.body, REPLAY_BODY))));
  router.get('/export', async (req, res) => {
    const file = model.exportCaptures(readQuery(query(req), EXPORT_QUERY, 'GET /api/export').format ?? 'json');
    res.setHeader('content-type', file.contentType);
    res.setHeader('content-disposition', `attachment; filename="${file.fileName}"`);
    await sendChunks(res, file.chunks);
  });
  router.post('/import', async (req, res) => {
    const params = readQuery(query(req), IMPORT_QUERY, 'POST /api/import');
    const force = params.force === '1' || params.force === 'true';
    res.json(await model.importCaptures(typeof req.body === 'string' ? req.body : JSON.stringify(req.body), params.source ?? 'import', { force }));
  });
  router.post('/forwarding', (req, res) => void res.json({ forwardTo: model.setForwarding(readObject(req.body, FORWARDING_BODY).target ?? null) }));
  router.post('/share', async (req, res) => void res.status(201).json(await model.createShare(readObject(req.body, SHARE_BODY).ttlSeconds)));
  router.post('/captures/:id/share', async (req, res) => void res.status(201).json(await model.createCaptureShare(param(req, 'id'), readObject(req.body, SHARE_BODY).ttlSeconds)));
  router.delete('/share', (_req, res) => {
    model.revokeShares();
    res.json({ revoked: true });
  });
  router.post('/check', async (req, res) => void res.json(await model.runCheck(readObject(req.body, CHECK_BODY))));
  router.post('/payments/poll-open', async (_req, res) => void res.json({ items: await model.pollOpenPayments() }));
  router.use((req, _res, next) => next(new HttpError(404, 'not_found', `No API route ${req.method} /api${req.path}. See the README's API list.`)));
  return router;
}

function param(req: Request, name: string): string {
  return String(req.params[name]);
}

function query(req: Request): Record<string, unknown> {
  return req.query as Record<string, unknown>;
}

function requireEmulator(model: InspectorModel) {
  const info = model.emulatorInfo();
  if (!info) throw new HttpError(409, 'not_emulator', 'The emulator is not the active backend (sandbox mode).');
  return info;
}
