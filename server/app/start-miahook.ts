// The composition root: wires config, store, emulator, capture, payments, inspector and event stream together.

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { StatusResponse } from '../../shared/api.ts';
import type { TunnelState } from '../../shared/events.ts';
import type { Config } from '../config/resolve-config.ts';
import { createCaptureRecorder } from '../capture/record-capture.ts';
import { startIngress, type IngressHandle } from '../capture/ingress-server.ts';
import { acquireDataDirLock } from '../data-dir/lock.ts';
import { removeRuntimeFile, writeRuntimeFile, type RuntimeInfo } from '../data-dir/runtime-file.ts';
import { startEmulator, type EmulatorHandle } from '../emulator/index.ts';
import { createEventBus } from '../events/event-bus.ts';
import { startInspector, type InspectorHandle } from '../inspector/inspector-server.ts';
import { createWsHub } from '../inspector/ws-hub.ts';
import { createMiaposClient } from '../miapos/miapos-client.ts';
import { createPaymentService } from '../payments/payment-service.ts';
import { readPublicKey } from '../signature/keys.ts';
import { createReplayService } from '../replay/replay-service.ts';
import { createExportService } from '../export/export-service.ts';
import type { Capture } from '../../shared/records.ts';
import { openStore, type Store } from '../store/index.ts';
import { buildInspectorModel, toListItem } from './build-inspector-model.ts';
import { createDeliveryMatcher } from './emulator-delivery-matcher.ts';
import { VERSION, UI_DIR } from './paths.ts';

export interface MiahookInstance {
  token: string;
  inspectorUrl: string;
  /** The inspector URL carrying the token in its fragment, as printed at start. */
  openUrl: string;
  ingressUrl: string;
  callbackUrl: string;
  emulator: EmulatorHandle;
  store: Store;
  close(): Promise<void>;
}

export interface StartOptions {
  log: (line: string) => void;
  /** Test hooks for the ingress timeouts (flags do not expose them). */
  ingressTimeouts?: { headersMs: number; requestMs: number };
  uiDir?: string;
}

export async function startMiahook(config: Config, options: StartOptions): Promise<MiahookInstance> {
  const { log } = options;
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const lock = await acquireDataDirLock(config.dataDir, { log });
  const cleanups: Array<() => Promise<void> | void> = [() => lock.release()];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const store = await openStore({ dataDir: config.dataDir, keep: config.keep, log });
    cleanups.push(() => store.close());
    const bus = createEventBus((error) => log(`event listener failed: ${(error as Error).message}`));
    const matcher = createDeliveryMatcher();
    const emulator = await startEmulator({
      dataDir: config.dataDir,
      port: config.emulatorPort,
      host: config.host,
      speed: config.emulatorSpeed,
      ttlSeconds: config.emulatorTtlSeconds,
      errorStyle: config.errorStyle,
      log,
      onDeliveryStart: (info) => matcher.remember(info.id, info.body),
      onDelivery: (delivery) => {
        store.deliveries.append(delivery).then(
          (saved) => bus.emit({ type: 'delivery', delivery: saved }),
          (error: Error) => log(`could not store an emulator delivery: ${error.message}`),
        );
      },
    });
    cleanups.push(() => emulator.close());
    const emulatorKey = readPublicKey(emulator.publicKeyBase64, 'emulator');
    const client = createMiaposClient({ baseUrl: emulator.url, merchantId: emulator.credentials.merchantId, secretKey: emulator.credentials.secretKey });
    let callbackUrl = '';
    const tunnel: TunnelState = { state: 'off' };
    const payments = createPaymentService({
      backend: 'emulator',
      client,
      defaults: { terminalId: emulator.credentials.terminalId, rtpTerminalId: emulator.credentials.rtpTerminalId, language: 'ro', paymentType: 'qr' },
      callbackUrl: () => callbackUrl,
      store: store.payments,
      emit: (event) => bus.emit(event),
      simulate: (paymentId, status) => emulator.setOutcome(paymentId, status),
    });
    const replay = createReplayService({
      store,
      emit: (event) => bus.emit(event),
      configuredAppUrl: config.forwardTo,
      allowHosts: config.allowTargets,
      signText: (text) => emulator.signText(text),
      listKeys: () => [emulatorKey],
      log,
    });
    const forwardLive = (capture: Capture) => {
      replay.forward(capture).catch((error: Error) => log(`could not forward capture ${capture.id}: ${error.message}`));
    };
    const record = createCaptureRecorder({
      appendCapture: (draft) => store.captures.append(draft),
      findPayment: (paymentId) => store.payments.get(paymentId),
      listKeys: () => [emulatorKey],
      matchEmulatorDelivery: (body) => matcher.match(body),
      afterCapture: (capture) => {
        bus.emit({ type: 'capture', capture: toListItem(capture, store) });
        payments.recordCallback(capture).catch((error: Error) => log(`could not update payment ${capture.payment?.paymentId}: ${error.message}`));
        if (config.respond !== 'proxy') forwardLive(capture);
      },
    });
    const ingress: IngressHandle = await startIngress({
      host: config.host,
      port: config.ingressPort,
      maxBodyBytes: config.maxBodyBytes,
      rateLimit: config.rateLimit,
      respond: config.respond,
      record,
      proxy: (capture) => replay.forward(capture),
      headersTimeoutMs: options.ingressTimeouts?.headersMs,
      requestTimeoutMs: options.ingressTimeouts?.requestMs,
      log,
    });
    cleanups.push(() => ingress.close());
    callbackUrl = `${ingress.url}/callback`;

    const token = randomBytes(24).toString('base64url');
    const instanceId = randomUUID();
    const hub = createWsHub({ bus, instanceId, readOnly: false, log });
    let inspector: InspectorHandle | null = null;
    const status = (): StatusResponse => ({
      version: VERSION,
      mode: 'emulator',
      instanceId,
      readOnly: false,
      urls: { inspector: inspector?.url ?? null, ingress: ingress.url, callback: callbackUrl, emulator: emulator.url, public: null },
      tunnel,
      backend: { baseUrl: emulator.url, keyLabel: emulatorKey.label, keyFingerprint: emulatorKey.fingerprint },
      respondMode: config.respond,
      forwardTo: replay.forwardTarget(),
      counts: { captures: store.captures.count(), payments: store.payments.list().length, deliveries: store.deliveries.count() },
    });
    const exports = createExportService(store, VERSION);
    const model = buildInspectorModel({ store, payments, bus, emulator, emulatorKey, status, replay, exports });
    inspector = await startInspector({ host: config.host, port: config.port, token, model, hub, uiDir: options.uiDir ?? UI_DIR, log });
    cleanups.push(() => inspector!.close());

    const runtime: RuntimeInfo = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      mode: 'emulator',
      inspectorUrl: inspector.url,
      ingressUrl: ingress.url,
      callbackUrl,
      publicUrl: null,
      emulatorUrl: emulator.url,
      token,
      emulator: emulator.credentials,
    };
    await writeRuntimeFile(config.dataDir, runtime);
    cleanups.push(() => removeRuntimeFile(config.dataDir));

    let closing: Promise<void> | null = null;
    return {
      token,
      inspectorUrl: inspector.url,
      openUrl: `${inspector.url}/#token=${token}`,
      ingressUrl: ingress.url,
      callbackUrl,
      emulator,
      store,
      close: () => (closing ??= cleanUp()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
