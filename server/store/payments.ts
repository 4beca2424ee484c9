// payments.json: payments registered through miahook, insert-or-replace by paymentId, newest kept.

import { join } from 'node:path';
import type { PaymentRecord } from '../../shared/records.ts';
import { CoalescingWriter } from './coalescing-writer.ts';
import { openJsonFile, readOrSetAside, type Log } from './json-files.ts';

export const KEEP_PAYMENTS = 5000;

export interface PaymentStore {
  /** Inserts or replaces by paymentId; resolves once the file holding it is written. */
  put(record: PaymentRecord): Promise<void>;
  get(paymentId: string): PaymentRecord | undefined;
  /** Newest (first registered last) first. */
  list(): PaymentRecord[];
}

interface PaymentsData {
  payments: PaymentRecord[];
}

function isPaymentsData(data: unknown): data is PaymentsData {
  const payments = (data as PaymentsData | null)?.payments;
  return Array.isArray(payments) && payments.every((payment) => typeof payment === 'object' && payment !== null && typeof payment.paymentId === 'string');
}

export async function openPayments(dataDir: string, log: Log): Promise<{ payments: PaymentStore; flush: () => Promise<void> }> {
  const path = join(dataDir, 'payments.json');
  const db = openJsonFile<PaymentsData>(path, { payments: [] });
  const read = await readOrSetAside(db, path, isPaymentsData, log);
  /** Insertion order, oldest first; a replaced payment keeps its place. */
  const byId = new Map<string, PaymentRecord>();
  for (const payment of read.kind === 'ok' ? read.data.payments : []) byId.set(payment.paymentId, payment);
  const writer = new CoalescingWriter(() => {
    db.data = { payments: [...byId.values()] };
    return db.write();
  });

  const payments: PaymentStore = {
    async put(record) {
      byId.set(record.paymentId, record);
      for (const paymentId of byId.keys()) {
        if (byId.size <= KEEP_PAYMENTS) break;
        byId.delete(paymentId);
      }
      await writer.schedule();
    },
    get: (paymentId) => byId.get(paymentId),
    list: () => [...byId.values()].reverse(),
  };
  return { payments, flush: () => writer.idle() };
}
