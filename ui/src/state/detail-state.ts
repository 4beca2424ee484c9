// The open capture's full record (body, headers, verdict, deliveries, linked payment), kept current by live events.

import type { CaptureDetail } from '../../../shared/api.ts';
import type { Delivery, PaymentRecord } from '../../../shared/records.ts';
import { fetchCapture } from '../api/endpoints.ts';
import { createStore } from './store.ts';

export interface DetailState {
  id: string | null;
  detail: CaptureDetail | null;
  loading: boolean;
  error: string | null;
}

export const detailStore = createStore<DetailState>({ id: null, detail: null, loading: false, error: null });

/** Loads a capture's detail (null closes it). */
export async function loadDetail(id: string | null): Promise<void> {
  detailStore.set({ id, detail: null, loading: id !== null, error: null });
  if (id === null) return;
  try {
    const detail = await fetchCapture(id);
    if (detailStore.get().id === id) detailStore.patch({ detail, loading: false });
  } catch (error) {
    if (detailStore.get().id === id) detailStore.patch({ loading: false, error: (error as Error).message });
  }
}

export function applyDeliveryToDetail(delivery: Delivery): void {
  detailStore.set((current) => {
    if (!current.detail || delivery.captureId !== current.detail.id) return current;
    if (current.detail.deliveries.some((known) => known.id === delivery.id)) return current;
    return { ...current, detail: { ...current.detail, deliveries: [...current.detail.deliveries, delivery] } };
  });
}

export function applyPaymentToDetail(payment: PaymentRecord): void {
  detailStore.set((current) => {
    if (!current.detail || current.detail.payment?.paymentId !== payment.paymentId) return current;
    return { ...current, detail: { ...current.detail, linkedPayment: payment } };
  });
}
