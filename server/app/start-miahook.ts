// The composition root: wires config, store, backend, capture, payments, replay, inspector, tunnel and sharing.

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StatusResponse } from '../../shared/api.ts';
import type { TunnelState } from '../../shared/events.ts';
import type { CaptureInfo } from '../../shared/records.ts';
import { startIngress } from '../capture/ingress-server.ts';
import { createCaptureRecorder, judgeBody, type ReceivedRequest } from '../capture/record-capture.ts';
import { createCheckService } from '../check/run-check.ts';
import type { Config } from '../config/resolve-config.ts';
import { acquireDataDirLock } from '../data-dir/lock.ts';
import { removeRuntimeFile, writeRuntimeFile } from '../data-dir/runtime-file.ts';
import type { EmulatorHandle } from '../emulator/index.ts';
import { createEventBus } from '../events/event-bus.ts';
import { createExportService } from '../export/export-service.ts';
import { startInspector } from '../inspector/inspector-server.ts';
import { createWsHub } from '../inspector/ws-hub.ts';
import { createPaymentService } from '../payments/payment-service.ts';
import { startReconciler } from '../payments/reconciler.ts';
import { createReplayService } from '../replay/replay-service.ts';
import type { Store } from '../store/index.ts';
import { openStore } from '../store/index.ts';
import { redactDelivery } from '../security/redact-delivery.ts';
import { buildInspectorModel, toListItem } from './build-inspector-model.ts';
import { createDeliveryMatcher } from './emulator-delivery-matcher.ts';
import { UI_DIR, VERSION } from './paths.ts';
import { describeUrlChange, PROBE_PATH, startPublicAccess, type PublicAccess, type TunnelTimings } from './public-access.ts';
import { createSharing } from '../share/sharing.ts';
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
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireDataDirLock(config.dataDir, { log });
  const cleanups: Array<() => Promise<void> | void> = [() => lock.release()];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const token = randomBytes(24).toString('base64url');
    const store = await openStore({ dataDir: config.dataDir, keep: config.keep, log });
    cleanups.push(() => store.close());
    const bus = createEventBus((error) => log(`event listener failed: ${(error as Error).message}`));
    const emit = bus.emit.bind(bus);
    const matcher = createDeliveryMatcher();
    /** Emulator delivery id -> the capture it became, until the delivery's outcome is stored. */
    const capturedDeliveries = new Map<string, string>();
    // The emulator's terminal default: a payment made without callbackUrl calls back to our ingress.
    let currentCallbackUrl = (): string | undefined => undefined;
    const backend = await startBackend(config, {
      defaultCallbackUrl: () => currentCallbackUrl(),
      onDeliveryStart: (info) => matcher.remember(info.id, info.body),
      onDelivery: (delivery) => {
        // The emulator's delivery to our own ingress is the captured callback: link them both ways.
        const captureId = capturedDeliveries.get(delivery.id);
        capturedDeliveries.delete(delivery.id);
        store.deliveries.append(redactDelivery(captureId ? { ...delivery, captureId } : delivery, secrets())).then((saved) => emit({ type: 'delivery', delivery: saved }), (error: Error) => log(`could not store an emulator delivery: ${error.message}`));
      },
    }, log, options.keyRefetchIntervalMs);
    cleanups.push(() => backend.emulator.close());
    /** What stored deliveries must never hold. */
    const secrets = () => [token, backend.emulator.credentials.secretKey, ...(config.sandbox ? [config.sandbox.secretKey] : [])];

    let access: PublicAccess | null = null;
    const publicUrl = () => access?.url() ?? config.publicUrl;
    let ingressUrl = '';
    const callbackUrl = () => `${publicUrl() ?? ingressUrl}/callback`;
    currentCallbackUrl = () => (ingressUrl ? callbackUrl() : undefined);
    const payments = createPaymentService({
      backend: backend.mode,
      client: backend.client,
      defaults: backend.defaults,
      callbackUrl,
      store: store.payments,
      emit,
      ...(backend.mode === 'emulator' ? { simulate: (paymentId: string, status: Parameters<EmulatorHandle['setOutcome']>[1]) => backend.emulator.setOutcome(paymentId, status) } : {}),
    });
    const replay = createReplayService({ store, emit, configuredAppUrl: config.forwardTo, allowHosts: config.allowTargets, signText: backend.signText, listKeys: backend.listKeys, log, secrets });
    const forwardLive = (capture: CaptureInfo, request: ReceivedRequest) => {
      replay.forward(capture, request.body, request.headers).catch((error: Error) => log(`could not forward capture ${capture.id}: ${error.message}`));
    };
    const record = createCaptureRecorder({
      appendCapture: (draft) => store.captures.append(draft),
      findPayment: (paymentId) => store.payments.get(paymentId),
      listKeys: backend.listKeys,
      refreshKeys: backend.refreshKeys,
      matchEmulatorDelivery: (body) => matcher.match(body),
      afterCapture: (capture, request) => {
        if (capture.emulatorDeliveryId) capturedDeliveries.set(capture.emulatorDeliveryId, capture.id);
        emit({ type: 'capture', capture: toListItem(capture, store) });
        payments.recordCallback(capture).catch((error: Error) => log(`could not update payment ${capture.payment?.paymentId}: ${error.message}`));
        if (config.respond !== 'proxy') forwardLive(capture, request);
      },
    });

    const instanceId = randomUUID();
    const probeId = randomBytes(16).toString('hex');
    const sharing = createSharing({ bus, instanceId, uiDir, publicBase: () => publicUrl() ?? ingressUrl, tunnelPassword: () => access?.settledPassword() ?? Promise.resolve(null), log });
    cleanups.push(() => sharing.close());
    const status = (): StatusResponse => {
      const key = backend.listKeys()[0];
      return {
        version: VERSION,
        mode: backend.mode,
        instanceId,
        readOnly: false,
        urls: { inspector: inspectorUrl || null, ingress: ingressUrl, callback: callbackUrl(), emulator: backend.emulator.url, public: publicUrl() },
        tunnel: access?.state() ?? { state: 'off' },
        tunnelPassword: access?.password() ?? null,
        backend: { baseUrl: backend.client.baseUrl, keyLabel: key?.label ?? null, keyFingerprint: key?.fingerprint ?? null },
        respondMode: config.respond,
        forwardTo: replay.forwardTarget(),
        counts: { captures: store.captures.count(), payments: store.payments.list().length, deliveries: store.deliveries.count() },
        store: { storedBytes: store.captures.storedBytes(), ...store.captures.limits(), ...store.recovery },
      };
    };
    const reconciler = startReconciler(payments, { intervalMs: options.reconcileIntervalMs, log });
    cleanups.push(() => reconciler.stop());
    const model = buildInspectorModel({
      store, payments, bus, emulator: backend.emulator, emulatorKey: backend.emulatorKey, status, replay,
      exports: createExportService({ store, version: VERSION, judge: (body) => judgeBody(body, { listKeys: backend.listKeys, findPayment: (paymentId) => store.payments.get(paymentId) }) }),
      pollOpenPayments: () => reconciler.pollOpen(),
      createShare: (ttlSeconds, captureId) => sharing.create(ttlSeconds, captureId),
      revokeShares: () => sharing.revokeAll(),
      check: createCheckService({
        emulator: backend.emulator,
        appendDelivery: (draft) => store.deliveries.append(draft),
        emit,
        forwardTo: config.forwardTo,
        allowTargets: config.allowTargets,
        log,
        secrets,
      }),
    });
    const shareRoutes = sharing.createRoutes(model);
    const answerProbe = (request: IncomingMessage, response: ServerResponse) => {
      if (request.method !== 'GET' || request.url !== PROBE_PATH) return false;
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': probeId.length, 'cache-control': 'no-store' });
      response.end(probeId);
      return true;
    };
    const ingress = await startIngress({
      host: config.host,
      port: config.ingressPort,
      maxBodyBytes: config.maxBodyBytes,
      rateLimit: config.rateLimit,
      respond: config.respond,
      record,
      proxy: (capture, body, headers) => replay.forward(capture, body, headers),
      extraRoutes: (request, response) => answerProbe(request, response) || shareRoutes.handle(request, response),
      upgrade: (request, socket, head) => shareRoutes.upgrade(request, socket, head),
      headersTimeoutMs: options.ingressTimeouts?.headersMs,
      requestTimeoutMs: options.ingressTimeouts?.requestMs,
      log,
    });
    cleanups.push(() => ingress.close());
    ingressUrl = ingress.url;

    const hub = createWsHub({ bus, instanceId, readOnly: false, log });
    let inspectorUrl = '';
    const inspector = await startInspector({ host: config.host, port: config.port, token, model, hub, uiDir, log });
    cleanups.push(() => inspector.close());
    inspectorUrl = inspector.url;

    // runtime.json writes run one after another, so an older state never lands after a newer one.
    let runtimeWrites: Promise<void> = Promise.resolve();
    const writeRuntime = () => (runtimeWrites = runtimeWrites.catch(() => {}).then(() => writeRuntimeFile(config.dataDir, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      mode: backend.mode,
      inspectorUrl,
      ingressUrl,
      callbackUrl: callbackUrl(),
      publicUrl: publicUrl(),
      emulatorUrl: backend.emulator.url,
      token,
      emulator: backend.emulator.credentials,
    })));
    await writeRuntime();
    cleanups.push(() => removeRuntimeFile(config.dataDir));

    access = startPublicAccess({
      config,
      timings: options.tunnelTimings,
      ingressPort: ingress.port,
      probeId,
      log,
      onState: (state, previous) => {
        emit({ type: 'tunnel', tunnel: state });
        if (state.state === 'online') log(`${config.publicUrl ? 'public URL' : 'tunnel'} online: ${state.publicUrl} (callback URL ${callbackUrl()})`);
        else if (state.state !== 'connecting') log(`${config.publicUrl ? 'public URL' : 'tunnel'} ${state.state}: ${'reason' in state ? state.reason : ''}`);
        if (state.state === 'online' && previous && previous !== state.publicUrl) {
          const message = describeUrlChange(previous, state.publicUrl, payments.listOpen());
          log(`!!! ${message}`);
          emit({ type: 'notice', level: 'warn', message });
        }
        writeRuntime().catch((error: Error) => log(`could not update runtime.json: ${error.message}`));
      },
      onPassword: (url, password) => options.onTunnelOnline?.(url, password),
    });
    const stopAccess = access.close;
    cleanups.push(() => stopAccess());

    let closing: Promise<void> | null = null;
    return {
      token,
      inspectorUrl,
      openUrl: `${inspectorUrl}/#token=${token}`,
      ingressUrl,
      get callbackUrl() {
        return callbackUrl();
      },
      emulator: backend.emulator,
      store,
      tunnelState: () => access?.state() ?? { state: 'off' },
      publicUrl,
      tunnelPassword: () => access?.password() ?? null,
      close: () => (closing ??= cleanUp()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

