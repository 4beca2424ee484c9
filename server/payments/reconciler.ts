// Polls payments still CREATED/PENDING (every minute, and on demand): since miaPOS never retries a callback,
// polling is the only way to learn an outcome whose callback was lost.

import type { PaymentRecord } from '../../shared/records.ts';
import type { PaymentService } from './payment-service.ts';

export interface Reconciler {
  /** Polls every open payment now; resolves with the refreshed records. */
  pollOpen(): Promise<PaymentRecord[]>;
  stop(): void;
}

export function startReconciler(payments: PaymentService, options: { intervalMs?: number; log?: (line: string) => void } = {}): Reconciler {
  let running: Promise<PaymentRecord[]> | null = null;
  const pollOpen = () => (running ??= (async () => {
    const refreshed: PaymentRecord[] = [];
    for (const record of payments.listOpen()) {
      try {
        refreshed.push(await payments.refresh(record.paymentId));
      } catch (error) {
        options.log?.(`could not poll payment ${record.paymentId}: ${(error as Error).message}`);
      }
    }
    return refreshed;
  })().finally(() => {
    running = null;
  }));
  const timer = setInterval(() => void pollOpen(), options.intervalMs ?? 60_000);
  timer.unref();
  return { pollOpen, stop: () => clearInterval(timer) };
}
