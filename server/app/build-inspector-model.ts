// Builds the inspector model: the API's domain calls, over the store, the payment service and the emulator.

import type { CaptureDetail, EmulatorInfo, ShareResponse, StatusResponse } from '../../shared/api.ts';
import type { CaptureListItem } from '../../shared/events.ts';
import type { CaptureInfo, PaymentRecord } from '../../shared/records.ts';
import { readDisplayJson } from '../capture/read-display-json.ts';
import { HttpError } from '../http/http-error.ts';
import type { CaptureListQuery, InspectorModel } from '../inspector/inspector-model.ts';
import type { PaymentService } from '../payments/payment-service.ts';
import type { Store } from '../store/index.ts';
import type { EmulatorHandle } from '../emulator/index.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { LabelledKey } from '../signature/keys.ts';
import type { ReplayService } from '../replay/replay-service.ts';
import type { ExportService } from '../export/export-service.ts';
import type { CheckService } from '../check/run-check.ts';

export interface InspectorModelDeps {
  store: Store;
  payments: PaymentService;
  bus: EventBus;
  emulator: EmulatorHandle | null;
  emulatorKey: LabelledKey | null;
  status: () => StatusResponse;
  replay: ReplayService;
  exports: ExportService;
  pollOpenPayments: () => Promise<PaymentRecord[]>;
  createShare: (ttlSeconds: unknown, captureId?: string) => Promise<ShareResponse>;
  revokeShares: () => void;
  check: CheckService;
}

export function buildInspectorModel(deps: InspectorModelDeps): InspectorModel {
  const { store } = deps;
  const unknown = (id: string) => new HttpError(404, 'unknown_capture', `No capture ${id}: it was deleted, evicted by --keep, or never existed. GET /api/captures lists them.`);
  const requireCapture = (id: string): CaptureInfo => {
    const capture = store.captures.get(id);
    if (!capture) throw unknown(id);
    return capture;
  };
  return {
    status: deps.status,
    async listCaptures(query: CaptureListQuery) {
      const page = await store.captures.list(query);
      return { items: page.items.map((capture) => toListItem(capture, store)), nextBefore: page.nextBefore, total: page.total, channels: store.captures.channels() };
    },
    async getCapture(id): Promise<CaptureDetail> {
      const capture = await store.captures.read(id);
      if (!capture) throw unknown(id);
      const display = readDisplayJson(Buffer.from(capture.bodyBase64, 'base64'));
      return {
        ...capture,
        json: display.json,
        jsonNote: display.note,
        deliveries: store.deliveries.listForCapture(id),
        linkedPayment: capture.payment ? store.payments.get(capture.payment.paymentId) ?? null : null,
      };
    },
    async deleteCapture(id) {
      requireCapture(id);
      await store.captures.delete(id);
      deps.bus.emit({ type: 'capture-deleted', ids: [id] });
    },
    async clearCaptures() {
      const count = await store.captures.clear();
      deps.bus.emit({ type: 'capture-deleted', ids: 'all' });
      return count;
    },
    listPayments: () => deps.payments.list(),
    registerPayment: (input) => deps.payments.register(input),
    refreshPayment: (paymentId) => deps.payments.refresh(paymentId),
    simulatePayment: (paymentId, status) => deps.payments.simulate(paymentId, status),
    emulatorInfo(): EmulatorInfo | null {
      const { emulator, emulatorKey } = deps;
      if (!emulator || !emulatorKey) return null;
      const { secretKey: _secret, ...credentials } = emulator.credentials;
      return {
        baseUrl: emulator.url,
        ...credentials,
        publicKey: emulator.publicKeyBase64,
        fingerprint: emulatorKey.fingerprint,
        recentDeliveries: store.deliveries.listRecent({ kind: 'emulator-callback', limit: 50 }),
      };
    },
    replayCapture: (id, request) => deps.replay.replay(id, request),
    exportCaptures: (format) => deps.exports.exportCaptures(format),
    importCaptures: async (text, source, options) => {
      const result = await deps.exports.importCaptures(text, source, options);
      const evicted = result.evicted > 0 ? `; ${result.evicted} older captures were evicted to make room` : '';
      deps.bus.emit({ type: 'notice', level: 'info', message: `Imported ${result.imported} captures from ${source} (${result.skipped} already here${evicted}).` });
      return result;
    },
    setForwarding: (target) => deps.replay.setForwarding(target),
    pollOpenPayments: () => deps.pollOpenPayments(),
    createShare: (ttlSeconds) => deps.createShare(ttlSeconds),
    createCaptureShare: (id, ttlSeconds) => deps.createShare(ttlSeconds, requireCapture(id).id),
    revokeShares: () => deps.revokeShares(),
    runCheck: (input) => deps.check.run(input),
    revealEmulatorSecret() {
      if (!deps.emulator) throw new HttpError(409, 'not_emulator', 'The emulator is not running.');
      return deps.emulator.credentials.secretKey;
    },
  };
}

/** A capture as the list shows it: without body and headers, with its latest delivery result. */
export function toListItem(capture: CaptureInfo, store: Store): CaptureListItem {
  const deliveries = store.deliveries.listForCapture(capture.id);
  return { ...capture, deliveryCount: deliveries.length, lastDeliveryStatus: deliveries.at(-1)?.response?.status ?? null };
}
