// Payments registered through miahook, newest first, updated by live events and by the UI's own calls.

import type { PaymentRecord } from '../../../shared/records.ts';
import { fetchPayments } from '../api/endpoints.ts';
import { createStore } from './store.ts';

export interface PaymentsState {
  items: PaymentRecord[];
  loaded: boolean;
  error: string | null;
  /** The payment the form just created: its checkout card stays shown. */
  currentId: string | null;
}

export const paymentsStore = createStore<PaymentsState>({ items: [], loaded: false, error: null, currentId: null });

export async function loadPayments(): Promise<void> {
  try {
    const { items } = await fetchPayments();
    paymentsStore.patch({ items: sortNewestFirst(items), loaded: true, error: null });
  } catch (error) {
    paymentsStore.patch({ loaded: true, error: (error as Error).message });
  }
}

/** Inserts or replaces a payment; returns true when it was new. */
export function upsertPayment(payment: PaymentRecord): boolean {
  let added = false;
  paymentsStore.set((current) => {
    const index = current.items.findIndex((item) => item.paymentId === payment.paymentId);
    added = index < 0;
    const items = added ? sortNewestFirst([payment, ...current.items]) : current.items.map((item, i) => (i === index ? payment : item));
    return { ...current, items };
  });
  return added;
}

function sortNewestFirst(items: PaymentRecord[]): PaymentRecord[] {
  return items.slice().sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
