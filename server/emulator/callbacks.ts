// Turns a final payment into its one signed callback and delivers it, applying the fault switches and reporting every delivery.

import { randomUUID } from 'node:crypto';
import { formatAmountNumber } from '../../shared/amount.ts';
import { parseRawJson, type RawJsonObject } from '../../shared/raw-json.ts';
import type { Delivery } from '../../shared/records.ts';
import { buildSignString } from '../../shared/sign-string.ts';
import { buildCallbackHeaders, sendCallback } from './deliver-callback.ts';
import { listActiveFaults, type Faults } from './faults.ts';
import { toCallbackResult, writeMiaposJson } from './payment-json.ts';
import type { EmulatorPayment } from './payment-store.ts';

export type EmulatorDelivery = Omit<Delivery, 'seq'>;

export interface DeliveryStartInfo {
  id: string;
  paymentId: string;
  target: string;
  body: Buffer;
}

/** A delivery as GET /_emulator/deliveries lists it: the record plus the fault switches that shaped it. */
export type DeliveryEntry = EmulatorDelivery & { faults: string[] };

export interface CallbackDispatcherOptions {
  signText: (text: string) => string;
  faults: () => Faults;
  timeoutMs: number;
  ringSize: number;
  log: (line: string) => void;
  onDeliveryStart?: (info: DeliveryStartInfo) => void;
  onDelivery?: (delivery: EmulatorDelivery) => void;
}

export interface CallbackDispatcher {
  /** Sends the callback of a payment that just reached its final status (no-op without callbackUrl). */
  deliver(payment: EmulatorPayment): void;
  /** Recent deliveries, newest first. */
  list(): DeliveryEntry[];
  /** Aborts deliveries in flight and pending delays; resolves when they have been recorded. */
  close(): Promise<void>;
}

/** The callback body miaPOS would send: result (nulls left out, amount with two decimals) and its signature. */
export function buildCallbackBody(payment: EmulatorPayment, signText: (text: string) => string, tamperAmount = false): Buffer {
  const result = toCallbackResult(payment);
  const signedText = writeMiaposJson(result);
  const signature = signText(buildSignString(parseRawJson(signedText) as RawJsonObject));
  const sentText = tamperAmount ? writeMiaposJson(result, formatAmountNumber(payment.amount + 1) ?? undefined) : signedText;
  return Buffer.from(`{"result":${sentText},"signature":${JSON.stringify(signature)}}`, 'utf8');
}

export function createCallbackDispatcher(options: CallbackDispatcherOptions): CallbackDispatcher {
  const ring: DeliveryEntry[] = [];
  const controller = new AbortController();
  const running = new Set<Promise<void>>();

  const report = (delivery: EmulatorDelivery, faults: string[]) => {
    ring.unshift({ ...delivery, faults });
    if (ring.length > options.ringSize) ring.length = options.ringSize;
    const outcome = delivery.error ?? `HTTP ${delivery.response?.status}`;
    options.log(`callback ${delivery.paymentId} -> ${delivery.target}: ${outcome} (${delivery.durationMs} ms)`);
    try {
      options.onDelivery?.(delivery);
    } catch (error) {
      options.log(`delivery listener failed: ${(error as Error).message}`);
    }
  };

  const sendOnce = async (payment: EmulatorPayment, target: string, body: Buffer, faults: string[]): Promise<void> => {
    const id = randomUUID();
    try {
      options.onDeliveryStart?.({ id, paymentId: payment.paymentId, target, body });
    } catch (error) {
      options.log(`delivery-start listener failed: ${(error as Error).message}`);
    }
    const startedAt = new Date().toISOString();
    const sent = await sendCallback(target, body, options.timeoutMs, controller.signal);
    report({
      id,
      kind: 'emulator-callback',
      paymentId: payment.paymentId,
      target,
      startedAt,
      durationMs: sent.durationMs,
      request: { method: 'POST', headers: sent.requestHeaders, bodyBase64: body.toString('base64') },
      response: sent.response,
      error: sent.error,
    }, faults);
  };

  const run = async (payment: EmulatorPayment, target: string): Promise<void> => {
    const faults = options.faults();
    const active = listActiveFaults(faults);
    const body = buildCallbackBody(payment, options.signText, faults.tamperAmount);
    const record = (error: string) => report({
      id: randomUUID(),
      kind: 'emulator-callback',
      paymentId: payment.paymentId,
      target,
      startedAt: new Date().toISOString(),
      durationMs: 0,
      request: { method: 'POST', headers: buildCallbackHeaders(new URL(target), body), bodyBase64: body.toString('base64') },
      response: null,
      error,
    }, active);
    if (faults.drop) return record('dropped by fault switch');
    if (faults.delayMs > 0 && !(await wait(faults.delayMs, controller.signal))) return record('emulator stopped during the delay fault, before sending');
    await sendOnce(payment, target, body, active);
    if (faults.duplicate && !controller.signal.aborted) await sendOnce(payment, target, body, active);
  };

  return {
    deliver(payment) {
      if (!payment.callbackUrl || controller.signal.aborted) return;
      const task = run({ ...payment }, payment.callbackUrl).catch((error: Error) => options.log(`callback ${payment.paymentId} failed: ${error.message}`));
      running.add(task);
      void task.finally(() => running.delete(task));
    },
    list: () => ring.map((entry) => ({ ...entry })),
    async close() {
      controller.abort();
      await Promise.all(running);
    },
  };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
