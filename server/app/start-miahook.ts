// The composition root, top to bottom: the data dir and store, then the listeners (so every URL is known), then
// the services built with those URLs, then the listeners start answering, then runtime.json and the tunnel.
// Everything acquired registers its undo on one disposal stack: a failed start and close() unwind the same way.

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StatusResponse } from '../../shared/api.ts';
import type { TunnelState } from '../../shared/events.ts';
import type { Delivery } from '../../shared/records.ts';
import { startIngress } from '../capture/ingress-server.ts';
import { createCaptureRecorder, judgeBody } from '../capture/record-capture.ts';
import { createCheckService } from '../check/run-check.ts';
import type { Config } from '../config/resolve-config.ts';
import { acquireDataDirLock } from '../data-dir/lock.ts';
import { createRuntimeWriter } from '../data-dir/runtime-writer.ts';
import type { EmulatorHandle } from '../emulator/index.ts';
import { createEventBus } from '../events/event-bus.ts';
import { createExportService } from '../export/export-service.ts';
import { startInspector } from '../inspector/inspector-server.ts';
import { createWsHub } from '../inspector/ws-hub.ts';
import { createDisposalStack } from '../lifecycle/disposal-stack.ts';
import { createPaymentService } from '../payments/payment-service.ts';
import { startReconciler } from '../payments/reconciler.ts';
import { createReplayService } from '../replay/replay-service.ts';
import type { Store } from '../store/index.ts';
import { openStore } from '../store/index.ts';
import { redactDelivery } from '../security/redact-delivery.ts';
import { createSharing } from '../share/sharing.ts';
import { buildInspectorModel, toListItem } from './build-inspector-model.ts';
import { createDeliveryLinks } from './delivery-links.ts';
import { UI_DIR, VERSION } from './paths.ts';
import { announcePublicState, createPublicAccess, PROBE_PATH, type TunnelTimings } from './public-access.ts';
import { startBackend } from './start-backend.ts';

export interface MiahookInstance {
  token: string;
  inspectorUrl: string;
  /** The inspector URL carrying the token in its fragment, as printed at start. */
  openUrl: string;
  ingressUrl: string;
  /** The callback URL right now (public once a tunnel is up). */
  readonly callbackUrl: string;
  /** The public base URL (--public-url, or the tunnel's), or null. */
  publicUrl(): string | null;
  /** The localtunnel password teammates' browsers are asked for, once known. */
  tunnelPassword(): string | null;
  emulator: EmulatorHandle;
  store: Store;
  tunnelState(): TunnelState;
  close(): Promise<void>;
}

export interface StartOptions {
  log: (line: string) => void;
  /** Test hooks the flags do not expose. */
  ingressTimeouts?: { headersMs: number; requestMs: number };
  tunnelTimings?: TunnelTimings;
  reconcileIntervalMs?: number;
  /** Shortest time between two fetches of the sandbox key (default 10 s). */
  keyRefetchIntervalMs?: number;
  uiDir?: string;
  /** A localtunnel tunnel is online and its password (null: none needed) is known: the banner prints them. */
  onTunnelOnline?: (publicUrl: string, password: string | null) => void;
}

export async function startMiahook(config: Config, options: StartOptions): Promise<MiahookInstance> {
  const { log } = options;
  const uiDir = options.uiDir ?? UI_DIR;
  const stack = createDisposalStack();
  try {
    // The data dir, locked for this instance, and the store.
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    const lock = await acquireDataDirLock(config.dataDir, { log });
    stack.defer(() => lock.release());
    const store = await openStore({ dataDir: config.dataDir, keep: config.keep, log });
    stack.defer(() => store.close());
    const bus = createEventBus((error) => log(`event listener failed: ${(error as Error).message}`));
    const emit = bus.emit.bind(bus);
    const instanceId = randomUUID();
    const token = randomBytes(24).toString('base64url');
    const probeId = randomBytes(16).toString('hex');
    /** What stored deliveries must never hold; the emulator's secretKey joins once the emulator has read it. */
    const secrets = [token, ...(config.sandbox ? [config.sandbox.secretKey] : [])];
    /** The one way deliveries are stored: credential headers and known secrets taken out first. */
    const appendDelivery = (draft: Omit<Delivery, 'seq'>) => store.deliveries.append(redactDelivery(draft, secrets));

    // The listeners: open now, so their URLs are known; they answer once serve() is called below.
    const ingress = await startIngress({
      host: config.host,
      port: config.ingressPort,
      maxBodyBytes: config.maxBodyBytes,
      rateLimit: config.rateLimit,
      respond: config.respond,
      headersTimeoutMs: options.ingressTimeouts?.headersMs,
      requestTimeoutMs: options.ingressTimeouts?.requestMs,
      log,
    });
    stack.defer(() => ingress.close());
    const inspector = await startInspector({ host: config.host, port: config.port, token, uiDir, log });
    stack.defer(() => inspector.close());
    // The public side (--public-url, or a tunnel opened at the end): where callbacks and share links point.
    const publicAccess = createPublicAccess({ config, timings: options.tunnelTimings, ingressPort: ingress.port, probeId, log });
    const baseUrl = () => publicAccess.url() ?? ingress.url;
    const callbackUrl = () => `${baseUrl()}/callback`;

    // The backend (the emulator's default callback URL is ours too).
    const links = createDeliveryLinks({
      appendDelivery,
      onStored: (delivery) => emit({ type: 'delivery', delivery }),
      log,
    });
    const backend = await startBackend(config, {
      defaultCallbackUrl: callbackUrl,
      onDeliveryStart: (info) => links.onDeliveryStart(info),
      onDelivery: (delivery) => links.onDelivery(delivery),
    }, log, options.keyRefetchIntervalMs);
    stack.defer(() => backend.emulator.close());
    secrets.push(backend.emulator.credentials.secretKey);

    // The services.
    const payments = createPaymentService({
      backend: backend.mode,
      client: backend.client,
      defaults: backend.defaults,
      callbackUrl,
      store: store.payments,
      emit,
      ...(backend.mode === 'emulator' ? { simulate: (paymentId: string, status: Parameters<EmulatorHandle['setOutcome']>[1]) => backend.emulator.setOutcome(paymentId, status) } : {}),
    });
    const replay = createReplayService({ store, appendDelivery, emit, configuredAppUrl: config.forwardTo, allowHosts: config.allowTargets, signText: backend.signText, listKeys: backend.listKeys, log });
    const record = createCaptureRecorder({
      appendCapture: (draft) => store.captures.append(draft),
      findPayment: (paymentId) => store.payments.get(paymentId),
      listKeys: backend.listKeys,
      refreshKeys: backend.refreshKeys,
      matchEmulatorDelivery: (body) => links.matchDelivery(body),
      afterCapture: (capture, request) => {
        links.noteCapture(capture);
        emit({ type: 'capture', capture: toListItem(capture, store) });
        payments.recordCallback(capture).catch((error: Error) => log(`could not update payment ${capture.payment?.paymentId}: ${error.message}`));
        if (config.respond !== 'proxy') {
          replay.forward(capture, request.body, request.headers).catch((error: Error) => log(`could not forward capture ${capture.id}: ${error.message}`));
        }
      },
    });
    const reconciler = startReconciler(payments, { intervalMs: options.reconcileIntervalMs, log });
    stack.defer(() => reconciler.stop());
    const sharing = createSharing({ bus, instanceId, uiDir, publicBase: baseUrl, tunnelPassword: () => publicAccess.settledPassword(), log });
    stack.defer(() => sharing.close());
    const status = (): StatusResponse => {
      const key = backend.listKeys()[0];
      return {
        version: VERSION,
        mode: backend.mode,
        instanceId,
        readOnly: false,
        urls: { inspector: inspector.url, ingress: ingress.url, callback: callbackUrl(), emulator: backend.emulator.url, public: publicAccess.url() },
        tunnel: publicAccess.state(),
        tunnelPassword: publicAccess.password(),
        backend: { baseUrl: backend.client.baseUrl, keyLabel: key?.label ?? null, keyFingerprint: key?.fingerprint ?? null },
        respondMode: config.respond,
        forwardTo: replay.forwardTarget(),
        counts: { captures: store.captures.count(), payments: store.payments.list().length, deliveries: store.deliveries.count() },
        store: { storedBytes: store.captures.storedBytes(), ...store.captures.limits(), ...store.recovery },
      };
    };
    const model = buildInspectorModel({
      store, payments, bus, emulator: backend.emulator, emulatorKey: backend.emulatorKey, status, replay,
      exports: createExportService({ store, appendDelivery, version: VERSION, judge: (body) => judgeBody(body, { listKeys: backend.listKeys, findPayment: (paymentId) => store.payments.get(paymentId) }) }),
      pollOpenPayments: () => reconciler.pollOpen(),
      createShare: (ttlSeconds, captureId) => sharing.create(ttlSeconds, captureId),
      revokeShares: () => sharing.revokeAll(),
      check: createCheckService({
        emulator: backend.emulator,
        appendDelivery,
        emit,
        forwardTo: config.forwardTo,
        allowTargets: config.allowTargets,
        log,
      }),
    });

    // The listeners start answering.
    const shareRoutes = sharing.createRoutes(model);
    const answerProbe = (request: IncomingMessage, response: ServerResponse) => {
      if (request.method !== 'GET' || request.url !== PROBE_PATH) return false;
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': probeId.length, 'cache-control': 'no-store' });
      response.end(probeId);
      return true;
    };
    ingress.serve({
      record,
      proxy: (capture, body, headers) => replay.forward(capture, body, headers),
      extraRoutes: (request, response) => answerProbe(request, response) || shareRoutes.handle(request, response),
      upgrade: (request, socket, head) => shareRoutes.upgrade(request, socket, head),
    });
    const hub = createWsHub({ bus, instanceId, readOnly: false, log });
    stack.defer(() => hub.close());
    inspector.serve({ model, hub });

    // runtime.json, for scripts and client commands, kept true as the tunnel comes and goes.
    const runtime = createRuntimeWriter(config.dataDir, () => ({
      pid: process.pid,
      startedAt: new Date().toISOString(),
      mode: backend.mode,
      inspectorUrl: inspector.url,
      ingressUrl: ingress.url,
      callbackUrl: callbackUrl(),
      publicUrl: publicAccess.url(),
      emulatorUrl: backend.emulator.url,
      token,
      emulator: backend.emulator.credentials,
    }));
    await runtime.update();
    stack.defer(() => runtime.remove());

    // The tunnel (or the --public-url watch) last: its states reach the inspector, the log and runtime.json.
    const announce = { label: config.publicUrl ? 'public URL' : 'tunnel', callbackUrl, openPayments: () => payments.listOpen(), emit, log };
    publicAccess.start({
      onState: (state, previousUrl) => {
        announcePublicState(state, previousUrl, announce);
        runtime.update().catch((error: Error) => log(`could not update runtime.json: ${error.message}`));
      },
      onPassword: (url, password) => options.onTunnelOnline?.(url, password),
    });
    stack.defer(() => publicAccess.close());

    return {
      token,
      inspectorUrl: inspector.url,
      openUrl: `${inspector.url}/#token=${token}`,
      ingressUrl: ingress.url,
      get callbackUrl() {
        return callbackUrl();
      },
      publicUrl: () => publicAccess.url(),
      tunnelPassword: () => publicAccess.password(),
      emulator: backend.emulator,
      store,
      tunnelState: () => publicAccess.state(),
      close: () => stack.dispose(),
    };
  } catch (error) {
    await stack.dispose().catch((failure: Error) => log(`clean-up after a failed start failed: ${failure.message}`));
    throw error;
  }
}
