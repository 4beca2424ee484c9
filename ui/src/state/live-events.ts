// Starts the live stream and routes each event to the stores; reloads every list after a resync.

import type { NumberedEvent } from '../api/live-socket.ts';
import { connectLive, type LiveConnection } from '../api/live-socket.ts';
import type { Session } from '../api/session.ts';
import { bumpCount, liveStore, loadStatus, showToast, statusStore, viewStore } from './app-state.ts';
import { applyCheckDelivery } from './check-state.ts';
import { applyCaptureEvent, applyCapturesDeleted, applyDeliveryToList, capturesStore, loadFirstPage, openCapture } from './captures-state.ts';
import { applyDeliveryToDetail, applyPaymentToDetail, detailStore, loadDetail } from './detail-state.ts';
import { applyEmulatorDelivery, loadEmulator } from './emulator-state.ts';
import { loadPayments, upsertPayment } from './payments-state.ts';

/** Loads every list from the API (first connect and after a resync). */
export async function loadEverything(): Promise<void> {
  await loadStatus();
  const status = statusStore.get().status;
  const readOnly = viewStore.get().readOnly;
  await Promise.all([
    loadFirstPage(),
    readOnly ? Promise.resolve() : loadPayments(),
    status?.mode === 'emulator' && !readOnly ? loadEmulator() : Promise.resolve(),
  ]);
  if (status?.sharedCaptureId && capturesStore.get().openId === null) openCapture(status.sharedCaptureId);
  const openId = capturesStore.get().openId;
  if (openId && detailStore.get().id === openId) void loadDetail(openId);
}

/** Connects the stream; events that arrive while the first load runs are applied after it. */
export function startLiveUpdates(session: Session): LiveConnection {
  let queue: NumberedEvent[] | null = null;
  let loading = 0;
  const reload = async () => {
    loading += 1;
    queue ??= [];
    try {
      await loadEverything();
    } finally {
      loading -= 1;
      if (loading === 0 && queue) {
        const waiting = queue;
        queue = null;
        for (const event of waiting) applyEvent(event);
      }
    }
  };
  return connectLive(session, {
    onState: (state, attempt) => liveStore.set({ state, attempt }),
    onHello: (hello) => {
      if (hello.readOnly) viewStore.patch({ readOnly: true });
      void reload();
    },
    onResync: (reason) => {
      showToast('info', `Reloaded everything: ${reason}.`);
      void reload();
    },
    onEvent: (event) => {
      if (queue) queue.push(event);
      else applyEvent(event);
    },
  });
}

function applyEvent(event: NumberedEvent): void {
  switch (event.type) {
    case 'capture': {
      const known = capturesStore.get().items.some((item) => item.id === event.capture.id);
      applyCaptureEvent(event.capture);
      if (!known) bumpCount('captures', 1);
      break;
    }
    case 'capture-deleted':
      applyCapturesDeleted(event.ids);
      bumpCount('captures', event.ids === 'all' ? 'reset' : -event.ids.length);
      if (event.ids === 'all' || (detailStore.get().id && event.ids.includes(detailStore.get().id!))) void loadDetail(null);
      break;
    case 'delivery':
      bumpCount('deliveries', 1);
      if (event.delivery.captureId) applyDeliveryToList(event.delivery.captureId, event.delivery.response?.status ?? null);
      applyDeliveryToDetail(event.delivery);
      applyEmulatorDelivery(event.delivery);
      applyCheckDelivery(event.delivery);
      break;
    case 'payment':
      if (upsertPayment(event.payment)) bumpCount('payments', 1);
      applyPaymentToDetail(event.payment);
      break;
    case 'tunnel':
      statusStore.set((current) => (current.status ? { ...current, status: { ...current.status, tunnel: event.tunnel } } : current));
      if (event.tunnel.state === 'online') void loadStatus();
      break;
    case 'notice':
      showToast(event.level, event.message);
      break;
  }
}
