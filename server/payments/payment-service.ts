// Payments registered through miahook: registration with the active backend, status refresh, simulation,
// and the timeline of every status seen from polling and callbacks.

import { randomBytes } from 'node:crypto';
import type { NewPaymentRequest } from '../../shared/api.ts';
import type { DomainEvent } from '../../shared/events.ts';
import { isFinalStatus, isPaymentStatus, type PaymentRequest, type PaymentState, type PaymentStatus } from '../../shared/protocol.ts';
import type { CaptureInfo, PaymentRecord, TimelineSource } from '../../shared/records.ts';
import { HttpError } from '../http/http-error.ts';
import { ANY_HOST_POLICY, checkTarget } from '../http/outbound/target-policy.ts';
import type { MiaposClient } from '../miapos/miapos-client.ts';
import { MiaposError } from '../miapos/miapos-error.ts';

export interface PaymentDefaults {
  terminalId: string;
  rtpTerminalId?: string;
  language: 'ro' | 'ru' | 'en';
  paymentType: 'qr' | 'rtp';
}

export interface PaymentServiceDeps {
  backend: 'emulator' | 'sandbox';
  client: MiaposClient;
  defaults: PaymentDefaults;
  /** The callback URL miaPOS should call now (it changes when a tunnel comes up). */
  callbackUrl: () => string;
  store: { put(record: PaymentRecord): Promise<void>; get(paymentId: string): PaymentRecord | undefined; list(): PaymentRecord[] };
  emit: (event: DomainEvent) => void;
  /** Emulator only: forces an outcome. */
  simulate?: (paymentId: string, status: PaymentStatus) => Promise<PaymentState>;
  now?: () => Date;
}

export type PaymentService = ReturnType<typeof createPaymentService>;

export function createPaymentService(deps: PaymentServiceDeps) {
  const now = deps.now ?? (() => new Date());

  // Updates of one payment run one after another (a callback can land while a simulate or poll is in flight).
  const queues = new Map<string, Promise<unknown>>();
  function updateRecord(paymentId: string, change: (record: PaymentRecord) => PaymentRecord | null): Promise<PaymentRecord | null> {
    const run = (queues.get(paymentId) ?? Promise.resolve()).catch(() => {}).then(async () => {
      const current = deps.store.get(paymentId);
      const next = current ? change(current) : null;
      return next ? save(next) : null;
    });
    queues.set(paymentId, run);
    void run.finally(() => {
      if (queues.get(paymentId) === run) queues.delete(paymentId);
    }).catch(() => {});
    return run;
  }

  async function save(record: PaymentRecord): Promise<PaymentRecord> {
    await deps.store.put(record);
    deps.emit({ type: 'payment', payment: record });
    return record;
  }

  /** Adds a status seen at `at` (kept in time order) and moves the status, never back from a final one. */
  function withStatus(record: PaymentRecord, status: PaymentStatus, source: TimelineSource, at = now().toISOString()): PaymentRecord {
    const last = record.timeline.at(-1);
    const timeline = last?.status === status && last.source === source
      ? record.timeline
      : [...record.timeline, { at, status, source }].sort((a, b) => a.at.localeCompare(b.at));
    // A final status never goes back: later non-final reports stay in the timeline only.
    const nextStatus = isFinalStatus(record.status) && !isFinalStatus(status) ? record.status : status;
    // Known final by polling with no callback yet: miaPOS never retries, so say so (a late callback clears it).
    const callbackNeverArrived = record.callbackCaptureIds.length === 0 && isFinalStatus(nextStatus) && (source === 'poll' || record.callbackNeverArrived);
    return { ...record, status: nextStatus, timeline, callbackNeverArrived };
  }

  function requireRecord(paymentId: string): PaymentRecord {
    const record = deps.store.get(paymentId);
    if (!record) throw new HttpError(404, 'unknown_payment', `No payment ${paymentId} was registered through miahook. GET /api/payments lists them.`);
    return record;
  }

  return {
    list: () => deps.store.list(),
    get: (paymentId: string) => deps.store.get(paymentId),

    async register(input: NewPaymentRequest): Promise<PaymentRecord> {
      const request = buildPaymentRequest(input, deps.defaults, deps.callbackUrl());
      const created = await callBackend(() => (request.paymentType === 'rtp' ? deps.client.requestToPay(request) : deps.client.createPayment(request)));
      const at = now().toISOString();
      return save({
        paymentId: created.paymentId,
        orderId: created.orderId ?? request.orderId,
        amount: request.amount,
        currency: request.currency,
        terminalId: request.terminalId,
        payDescription: request.payDescription,
        paymentType: request.paymentType ?? 'qr',
        ...optional({ language: request.language, callbackUrl: request.callbackUrl, successUrl: request.successUrl, failUrl: request.failUrl, checkoutPage: created.checkoutPage }),
        backend: deps.backend,
        backendUrl: deps.client.baseUrl,
        createdAt: at,
        status: 'CREATED',
        timeline: [{ at, status: 'CREATED', source: 'registered' }],
        callbackCaptureIds: [],
        callbackNeverArrived: false,
      });
    },

    async refresh(paymentId: string): Promise<PaymentRecord> {
      const record = requireRecord(paymentId);
      const state = await callBackend(() => deps.client.getPayment(paymentId));
      if (!isPaymentStatus(state.status)) throw new HttpError(502, 'bad_backend_answer', `The backend reported an unknown status "${String(state.status)}".`);
      return (await updateRecord(paymentId, (current) => withStatus(current, state.status, 'poll'))) ?? record;
    },

    async simulate(paymentId: string, status: unknown): Promise<PaymentRecord> {
      if (!deps.simulate) throw new HttpError(409, 'not_emulator', 'Outcomes can only be forced on the emulator; the real sandbox decides by itself.');
      if (!isPaymentStatus(status) || status === 'CREATED') throw new HttpError(400, 'bad_status', 'status must be one of PENDING, SUCCESS, FAILED, DECLINED, EXPIRED.');
      const record = requireRecord(paymentId);
      const at = now().toISOString();
      await deps.simulate(paymentId, status);
      return (await updateRecord(paymentId, (current) => withStatus(current, status, 'simulate', at))) ?? record;
    },

    /** Adds a received callback to its payment's timeline (only a valid signature may move the status). */
    async recordCallback(capture: CaptureInfo): Promise<void> {
      const paymentId = capture.payment?.paymentId;
      if (!paymentId) return;
      const status = capture.summary.status;
      await updateRecord(paymentId, (record) => {
        const next: PaymentRecord = { ...record, callbackCaptureIds: [...record.callbackCaptureIds, capture.id], callbackNeverArrived: false };
        return capture.verification.verdict === 'valid' && isPaymentStatus(status) ? withStatus(next, status, 'callback', capture.receivedAt) : next;
      });
    },

    /** Payments still waiting for an outcome. */
    listOpen: () => deps.store.list().filter((record) => !isFinalStatus(record.status)),
  };
}

function buildPaymentRequest(input: NewPaymentRequest, defaults: PaymentDefaults, callbackUrl: string): PaymentRequest & { paymentType: 'qr' | 'rtp' } {
  if (!input || typeof input !== 'object') throw new HttpError(400, 'bad_request', 'Send a JSON object such as {"amount": 12.5}.');
  if (typeof input.amount !== 'number' || !Number.isFinite(input.amount) || input.amount <= 0) {
    throw new HttpError(400, 'invalid_amount', 'amount is required: a number greater than 0, e.g. {"amount": 12.5}.');
  }
  const paymentType = input.paymentType ?? defaults.paymentType;
  if (paymentType !== 'qr' && paymentType !== 'rtp') throw new HttpError(400, 'bad_payment_type', 'paymentType must be "qr" or "rtp".');
  const ownCallbackUrl = nonEmpty(input.callbackUrl);
  const callbackCheck = ownCallbackUrl === undefined ? null : checkTarget(ownCallbackUrl, ANY_HOST_POLICY);
  if (callbackCheck && !callbackCheck.ok) {
    throw new HttpError(400, 'forbidden_callback_url', `callbackUrl refused: ${callbackCheck.reason}. Callbacks go to http(s) URLs; link-local and metadata addresses are never called.`);
  }
  const orderId = nonEmpty(input.orderId) ?? makeOrderId();
  const terminalId = nonEmpty(input.terminalId) ?? (paymentType === 'rtp' ? defaults.rtpTerminalId ?? defaults.terminalId : defaults.terminalId);
  return {
    terminalId,
    orderId,
    amount: input.amount,
    currency: nonEmpty(input.currency) ?? 'MDL',
    payDescription: nonEmpty(input.payDescription) ?? `miahook test payment ${orderId}`,
    language: input.language ?? defaults.language,
    paymentType,
    ...optional({
      clientName: nonEmpty(input.clientName),
      clientPhone: nonEmpty(input.clientPhone),
      clientEmail: nonEmpty(input.clientEmail),
      successUrl: nonEmpty(input.successUrl),
      failUrl: nonEmpty(input.failUrl),
    }),
    callbackUrl: ownCallbackUrl ?? callbackUrl,
  };
}

async function callBackend<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof MiaposError)) throw error;
    if (error.status === 400) throw new HttpError(400, 'miapos_rejected', error.message);
    throw new HttpError(502, error.status === 0 ? 'miapos_unreachable' : 'miapos_error', error.message);
  }
}

export function makeOrderId(): string {
  return `MH-${new Date().toISOString().slice(2, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function optional<T extends Record<string, unknown>>(fields: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<{ [K in keyof T]: Exclude<T[K], undefined> }>;
}
