// The emulated payment lifecycle: CREATED -> PENDING -> final, auto mode, expiry, payer actions and control moves.

import { randomInt, randomUUID } from 'node:crypto';
import { FINAL_STATUSES, isFinalStatus, isPaymentStatus, type PaymentStatus } from '../../shared/protocol.ts';
import { formatChisinauTime } from './chisinau-time.ts';
import { EmulatorError } from './errors.ts';
import type { EmulatorPayment, PaymentStore } from './payment-store.ts';
import { createTimerTable } from './timer-table.ts';
import type { NewPayment } from './validate-payment.ts';

/** Observed sandbox timing once the checkout page is open (divided by speed). */
export const AUTO_PENDING_MS = 5_000;
export const AUTO_SUCCESS_MS = 10_000;
/** The bank the emulator names as payer bank on SUCCESS (a BIC-shaped placeholder). */
export const EMULATED_PAYER_BANK = 'EMULMD2X';

export type PayerAction = 'pay' | 'decline' | 'fail' | 'expire';
/** Who moved a payment; 'stopped' is an expiry that fell while the emulator was not running (no callback). */
export type MoveSource = 'control' | 'payer' | 'auto' | 'ttl' | 'currency' | 'stopped';

export interface PaymentBookOptions {
  store: PaymentStore;
  speed: number;
  ttlSeconds: number;
  autoPay: boolean;
  defaults: { callbackUrl?: string; successUrl?: string; failUrl?: string };
  log: (line: string) => void;
  /** Every status change, creation included. */
  onChange: (payment: EmulatorPayment) => void;
  /** A payment reached its final status (called once per payment). */
  onFinal: (payment: EmulatorPayment) => void;
}

export interface PaymentBook {
  create(request: NewPayment): Promise<EmulatorPayment>;
  get(paymentId: string): EmulatorPayment | undefined;
  /** The checkout page was opened: in auto mode, PENDING after 5 s and SUCCESS after 10 s (/ speed). */
  open(paymentId: string): Promise<void>;
  /** A move asked for by a script or the inspector; throws EmulatorError (400/404/409). */
  setOutcome(paymentId: string, status: unknown, source?: MoveSource): Promise<EmulatorPayment>;
  /** A button on the checkout page. Paying a non-MDL payment fails it. */
  act(paymentId: string, action: PayerAction): Promise<EmulatorPayment>;
  /** Reschedules stored unfinished payments after a start; expires those overdue while stopped (no callback). */
  resume(): Promise<void>;
  close(): void;
}

/** The whole lifecycle: where each status may go. CREATED is only ever the first; a final status goes nowhere. */
const TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  CREATED: ['PENDING', ...FINAL_STATUSES],
  PENDING: FINAL_STATUSES,
  SUCCESS: [],
  FAILED: [],
  DECLINED: [],
  EXPIRED: [],
};

/** The statuses a control move or a timer may ask for: every target of the table. */
const SETTABLE: readonly PaymentStatus[] = [...new Set(Object.values(TRANSITIONS).flat())];

function canMove(from: PaymentStatus, to: PaymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function createPaymentBook(options: PaymentBookOptions): PaymentBook {
  const { store, log } = options;
  const timers = createTimerTable();
  const scaled = (ms: number) => ms / options.speed;

  /**
   * The one place a status changes: checks the transition table, stamps the time, stops the payment's
   * timers once final, reports the change, and hands a final payment to its one callback (unless it
   * expired while the emulator was stopped: miaPOS would have sent nothing either). Throws a 409 for a
   * move the table does not allow.
   */
  const move = (payment: EmulatorPayment, to: PaymentStatus, source: MoveSource, now = new Date()): void => {
    const from = payment.status;
    if (!canMove(from, to)) throw refuseMove(payment, to);
    payment.status = to;
    payment.updatedAt = now.toISOString();
    payment.paymentDate = formatChisinauTime(now);
    if (to === 'SUCCESS') {
      payment.swiftMessageId = `EMU${payment.paymentDate.replace(/\D/g, '')}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
      payment.swiftPayerBank = EMULATED_PAYER_BANK;
    }
    if (source !== 'stopped') log(`payment ${payment.paymentId} ${from} -> ${to} (${source})`);
    if (isFinalStatus(to)) timers.clear(payment.paymentId);
    notify(payment);
    if (isFinalStatus(to) && !payment.callbackQueued) {
      payment.callbackQueued = true;
      if (source === 'stopped') return;
      try {
        options.onFinal(payment);
      } catch (error) {
        log(`callback hand-off for ${payment.paymentId} failed: ${(error as Error).message}`);
      }
    }
  };

  const notify = (payment: EmulatorPayment) => {
    try {
      options.onChange(payment);
    } catch (error) {
      log(`payment listener failed: ${(error as Error).message}`);
    }
  };

  const save = () => store.save().catch((error: Error) => log(`could not save emulator payments: ${error.message}`));

  /** A timer-driven move: applied only if the table still allows it when the timer fires. */
  const autoMove = (paymentId: string, to: PaymentStatus, source: MoveSource) => () => {
    const payment = store.get(paymentId);
    if (!payment || !canMove(payment.status, to)) return;
    move(payment, to, source);
    void save();
  };

  const schedule = (payment: EmulatorPayment): void => {
    const id = payment.paymentId;
    const created = Date.parse(payment.createdAt);
    const autoStart = payment.paymentType === 'rtp' ? created : payment.openedAt ? Date.parse(payment.openedAt) : null;
    const autoRuns = options.autoPay && autoStart !== null;
    if (payment.currency !== 'MDL') {
      timers.set(id, 'currency', created + scaled(AUTO_PENDING_MS), autoMove(id, 'FAILED', 'currency'));
    } else if (autoRuns) {
      timers.set(id, 'pending', autoStart + scaled(AUTO_PENDING_MS), autoMove(id, 'PENDING', 'auto'));
      timers.set(id, 'success', autoStart + scaled(AUTO_SUCCESS_MS), autoMove(id, 'SUCCESS', 'auto'));
    }
    if (autoRuns && payment.currency === 'MDL') timers.cancel(id, 'expire');
    else timers.set(id, 'expire', Date.parse(payment.expiresAt), autoMove(id, 'EXPIRED', 'ttl'));
  };

  const find = (paymentId: string): EmulatorPayment => {
    const payment = store.get(paymentId);
    if (!payment) throw new EmulatorError(404, 'UNKNOWN_PAYMENT', `No emulator payment has id "${paymentId}". Use the paymentId returned by POST /ecomm/api/v1/pay.`);
    return payment;
  };

  const setOutcome = async (paymentId: string, status: unknown, source: MoveSource = 'control'): Promise<EmulatorPayment> => {
    if (!isPaymentStatus(status) || !SETTABLE.includes(status)) {
      const why = status === 'CREATED' ? 'a payment never goes back to CREATED' : `${JSON.stringify(status ?? null)} is not a status`;
      throw new EmulatorError(400, 'INVALID_STATUS', `Cannot set status: ${why}. Use one of ${SETTABLE.join(', ')}.`);
    }
    const payment = find(paymentId);
    move(payment, status, source);
    await save();
    return payment;
  };

  return {
    async create(request) {
      const now = new Date();
      const payment: EmulatorPayment = {
        ...request,
        callbackUrl: request.callbackUrl ?? options.defaults.callbackUrl,
        successUrl: request.successUrl ?? options.defaults.successUrl,
        failUrl: request.failUrl ?? options.defaults.failUrl,
        paymentId: randomUUID(),
        status: 'CREATED',
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        paymentDate: formatChisinauTime(now),
        expiresAt: new Date(now.getTime() + scaled(options.ttlSeconds * 1000)).toISOString(),
      };
      for (const key of ['callbackUrl', 'successUrl', 'failUrl'] as const) if (payment[key] === undefined) delete payment[key];
      for (const dropped of store.add(payment)) timers.clear(dropped.paymentId);
      schedule(payment);
      log(`payment ${payment.paymentId} CREATED (${payment.paymentType}, order ${JSON.stringify(payment.orderId)}, ${payment.amount} ${JSON.stringify(payment.currency)})`);
      notify(payment);
      await save();
      return payment;
    },
    get: (paymentId) => store.get(paymentId),
    async open(paymentId) {
      const payment = find(paymentId);
      if (payment.openedAt || isFinalStatus(payment.status)) return;
      payment.openedAt = new Date().toISOString();
      schedule(payment);
      await save();
    },
    setOutcome,
    act(paymentId, action) {
      const payment = find(paymentId);
      const status: PaymentStatus = action === 'pay' ? (payment.currency === 'MDL' ? 'SUCCESS' : 'FAILED') : action === 'decline' ? 'DECLINED' : action === 'fail' ? 'FAILED' : 'EXPIRED';
      return setOutcome(paymentId, status, 'payer');
    },
    async resume() {
      const now = new Date();
      let expired = 0;
      for (const payment of store.list()) {
        if (isFinalStatus(payment.status)) continue;
        if (Date.parse(payment.expiresAt) <= now.getTime()) {
          move(payment, 'EXPIRED', 'stopped', now);
          expired++;
          continue;
        }
        schedule(payment);
      }
      if (expired > 0) {
        log(`${expired} emulator payment(s) expired while the emulator was stopped; their callbacks are not sent`);
        await save();
      }
    },
    close: () => timers.clearAll(),
  };
}

/** Why the table refuses a move, worded for the control route and the checkout buttons. */
function refuseMove(payment: EmulatorPayment, to: PaymentStatus): EmulatorError {
  const { paymentId, status } = payment;
  if (isFinalStatus(status)) {
    return new EmulatorError(409, 'ILLEGAL_TRANSITION', `Payment ${paymentId} is already ${status}, a final status: it never changes again (and its one callback was already sent). Register a new payment to try ${to}.`);
  }
  return new EmulatorError(409, 'ILLEGAL_TRANSITION', `Payment ${paymentId} is already ${status}. From ${status} it can only move to ${TRANSITIONS[status].join(', ')}.`);
}
