// The go-live check tab: the form's values (the last handler URL kept in localStorage), the run in progress,
// its report or the API's refusal, and the check deliveries streamed live (to show each request and answer).

import type { CheckReport } from '../../../shared/check-report.ts';
import type { Delivery } from '../../../shared/records.ts';
import { ApiRequestError } from '../api/client.ts';
import { runHandlerCheck } from '../api/endpoints.ts';
import { createStore } from './store.ts';

const HANDLER_KEY = 'miahook.check.handlerUrl';
const KEPT_DELIVERIES = 60;

export interface CheckProblem {
  code: string;
  message: string;
}

export interface CheckState {
  handlerUrl: string;
  paymentId: string;
  running: boolean;
  /** Check requests answered (or failed) so far in the current run, from the live stream. */
  sent: number;
  report: CheckReport | null;
  problem: CheckProblem | null;
  /** Recent deliveries of kind 'check', by id (a row of the table opens its own). */
  deliveries: Record<string, Delivery>;
}

export const checkStore = createStore<CheckState>({
  handlerUrl: readRememberedUrl(), paymentId: '', running: false, sent: 0, report: null, problem: null, deliveries: {},
});

export function setCheckInput(partial: Partial<Pick<CheckState, 'handlerUrl' | 'paymentId'>>): void {
  checkStore.patch(partial);
}

/** Runs POST /api/check with the form's values; the report or a readable refusal lands in the store. */
export async function runGoLiveCheck(): Promise<void> {
  const { handlerUrl, paymentId, running } = checkStore.get();
  if (running) return;
  const url = handlerUrl.trim();
  if (!url) {
    checkStore.patch({ problem: { code: 'missing_url', message: 'Enter the URL where your app receives miaPOS callbacks, e.g. http://127.0.0.1:3000/miapos/callback.' }, report: null });
    return;
  }
  rememberUrl(url);
  checkStore.patch({ running: true, sent: 0, problem: null, report: null });
  try {
    const report = await runHandlerCheck({ handlerUrl: url, ...(paymentId.trim() ? { paymentId: paymentId.trim() } : {}) });
    checkStore.patch({ running: false, report });
  } catch (error) {
    const code = error instanceof ApiRequestError ? error.code : 'failed';
    checkStore.patch({ running: false, problem: { code, message: error instanceof Error ? error.message : String(error) } });
  }
}

/** Keeps a check delivery from the live stream, and counts it while a run is going. */
export function applyCheckDelivery(delivery: Delivery): void {
  if (delivery.kind !== 'check') return;
  checkStore.set((current) => {
    if (current.deliveries[delivery.id]) return current;
    const kept = Object.values(current.deliveries).slice(-(KEPT_DELIVERIES - 1));
    const deliveries = Object.fromEntries([...kept, delivery].map((item) => [item.id, item]));
    return { ...current, deliveries, sent: current.running ? current.sent + 1 : current.sent };
  });
}

function readRememberedUrl(): string {
  try {
    return window.localStorage.getItem(HANDLER_KEY) ?? '';
  } catch {
    return '';
  }
}

function rememberUrl(url: string): void {
  try {
    window.localStorage.setItem(HANDLER_KEY, url);
  } catch {
    // Storage can be off (private mode, policies): the form still works, it just forgets.
  }
}
