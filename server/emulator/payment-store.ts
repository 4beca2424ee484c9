// The emulator's payments on disk (`<dataDir>/emulator/payments.json`, mode 0600), newest N kept, writes serialised;
// a damaged file is set aside with a warning, like the store's files, and the emulator starts with no payments.

import { join } from 'node:path';
import { readPrivateText, setAsideDamaged, writePrivateFile } from '../data-dir/private-files.ts';
import { isPaymentStatus, PAYMENT_STATUSES, type PaymentStatus } from '../../shared/protocol.ts';
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

/** Opens (or creates) the store. A file that does not parse is moved aside with a warning (nothing is deleted). */
export async function openPaymentStore(dir: string, maxPayments: number, log: (line: string) => void = () => {}): Promise<PaymentStore> {
  const path = join(dir, 'payments.json');
  const data = await readPayments(path, log);
  const byId = new Map(data.payments.map((payment) => [payment.paymentId, payment]));
  // Like steno (which lowdb used here): one write at a time; saves asked for meanwhile share one follow-up
  // write of the state as it is when that write starts, so a burst of changes costs two writes, not N.
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const save = (): Promise<void> => {
    if (!running) {
      running = writePrivateFile(path, `${JSON.stringify(data, null, 2)}\n`).finally(() => {
        running = null;
      });
      return running;
    }
    next ??= running.catch(() => {}).then(() => {
      next = null;
      return save();
    });
    return next;
  };
  return {
    get: (paymentId) => byId.get(paymentId),
    list: () => data.payments,
    add(payment) {
      data.payments.push(payment);
      byId.set(payment.paymentId, payment);
      const overflow = data.payments.length - maxPayments;
      if (overflow <= 0) return [];
      const removed = data.payments.splice(0, overflow);
      for (const old of removed) byId.delete(old.paymentId);
      return removed;
    },
    save,
  };
}

async function readPayments(path: string, log: (line: string) => void): Promise<StoreData> {
  const text = await readPrivateText(path);
  if (text === null) return { version: 1, payments: [] };
  let problem: string;
  try {
    const parsed = JSON.parse(text) as Partial<StoreData> | null;
    if (parsed && typeof parsed === 'object' && Array.isArray(parsed.payments)) {
      const strange = parsed.payments.find((payment) => !isStoredPayment(payment));
      if (strange === undefined) return { version: 1, payments: parsed.payments };
      problem = `it holds a payment the emulator's lifecycle does not know (${JSON.stringify(strange).slice(0, 120)}; a status is one of ${PAYMENT_STATUSES.join(', ')})`;
    } else {
      problem = 'it is valid JSON but not the shape miahook writes';
    }
  } catch (error) {
    problem = `it is not valid JSON (${(error as Error).message})`;
  }
  const aside = await setAsideDamaged(path);
  log(`warning: ${path} could not be read: ${problem}. It was moved to ${aside} and the emulator started with no payments; nothing in it was deleted.`);
  return { version: 1, payments: [] };
}

/** An entry the lifecycle can resume: an object with a payment id and a known status. */
function isStoredPayment(value: unknown): value is EmulatorPayment {
  const payment = value as Partial<EmulatorPayment> | null;
  return typeof payment === 'object' && payment !== null && typeof payment.paymentId === 'string' && isPaymentStatus(payment.status);
}
