// The emulator's payments on disk (lowdb 7, `<dataDir>/emulator/payments.json`), newest N kept, writes serialised.

import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { PaymentStatus } from '../../shared/protocol.ts';
import type { NewPayment } from './validate-payment.ts';

/** A payment as the emulator keeps it. Times are ISO-8601 UTC except paymentDate (Chisinau local). */
export interface EmulatorPayment extends NewPayment {
  paymentId: string;
  status: PaymentStatus;
  createdAt: string;
  updatedAt: string;
  paymentDate: string;
  /** When an unpaid payment expires (unless its checkout page was opened in auto mode). */
  expiresAt: string;
  /** First time the checkout page was opened. */
  openedAt?: string;
  swiftMessageId?: string;
  swiftPayerBank?: string;
  /** Set once its final callback has been handed to delivery (so a restart never sends it again). */
  callbackQueued?: boolean;
}

interface StoreData {
  version: 1;
  payments: EmulatorPayment[];
}

export interface PaymentStore {
  get(paymentId: string): EmulatorPayment | undefined;
  list(): readonly EmulatorPayment[];
  /** Adds a payment; returns the ones pushed out by the bound. */
  add(payment: EmulatorPayment): EmulatorPayment[];
  /** Writes the current state to disk; resolves once a file holding it is in place. */
  save(): Promise<void>;
}

/** Opens (or creates) the store. A file that does not parse is an error naming the file. */
export async function openPaymentStore(dir: string, maxPayments: number): Promise<PaymentStore> {
  const path = join(dir, 'payments.json');
  const db = new Low<StoreData>(new JSONFile<StoreData>(path), { version: 1, payments: [] });
  try {
    await db.read();
  } catch (error) {
    throw new Error(`${path} could not be read (${(error as Error).message}). Move it away to start with no emulator payments.`);
  }
  if (!Array.isArray(db.data.payments)) db.data = { version: 1, payments: [] };
  const byId = new Map(db.data.payments.map((payment) => [payment.paymentId, payment]));
  return {
    get: (paymentId) => byId.get(paymentId),
    list: () => db.data.payments,
    add(payment) {
      db.data.payments.push(payment);
      byId.set(payment.paymentId, payment);
      const overflow = db.data.payments.length - maxPayments;
      if (overflow <= 0) return [];
      const removed = db.data.payments.splice(0, overflow);
      for (const old of removed) byId.delete(old.paymentId);
      return removed;
    },
    // steno queues and coalesces concurrent writes of the same file.
    save: () => db.write(),
  };
}
