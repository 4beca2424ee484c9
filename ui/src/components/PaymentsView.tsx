// The payments tab: the new-payment form and checkout card on the left, every registered payment on the right.

import { useState } from 'preact/hooks';
import { pollOpenPayments } from '../api/endpoints.ts';
import { showError, showToast, statusStore, viewStore } from '../state/app-state.ts';
import { paymentsStore, upsertPayment } from '../state/payments-state.ts';
import { useStore } from '../state/store.ts';
import { CheckoutCard } from './CheckoutCard.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { PaymentCard } from './PaymentCard.tsx';
import { PaymentForm } from './PaymentForm.tsx';

export function PaymentsView() {
  const { status } = useStore(statusStore);
  const { readOnly } = useStore(viewStore);
  const payments = useStore(paymentsStore);
  const emulator = status?.mode === 'emulator';
  const current = payments.items.find((payment) => payment.paymentId === payments.currentId) ?? null;
  const open = payments.items.filter((payment) => payment.status === 'CREATED' || payment.status === 'PENDING').length;
  return (
    <div class={readOnly ? 'single' : 'split split-even'}>
      {!readOnly && (
        <section class="scroll-pane" aria-label="New payment">
          <ErrorBoundary label="payment form"><PaymentForm /></ErrorBoundary>
          {current && <CheckoutCard payment={current} emulator={emulator} readOnly={readOnly} />}
        </section>
      )}
      <section class="scroll-pane" aria-label="Payments">
        <div class="card">
          <h3>
            Payments <span class="muted small">{payments.items.length}{open ? ` · ${open} not final` : ''}</span>
            <span class="topbar-spacer" />
            {!readOnly && open > 0 && <PollOpenButton />}
          </h3>
          {payments.error && <div class="inline-error" role="alert">{payments.error}</div>}
          {payments.loaded && payments.items.length === 0 && !payments.error && <p class="muted">No payment registered yet.{readOnly ? '' : ' Fill in the form to create one.'}</p>}
          <ul class="payments">
            {payments.items.map((payment) => (
              <PaymentCard key={payment.paymentId} payment={payment} emulator={emulator} readOnly={readOnly} current={payment.paymentId === payments.currentId}
                callbackUrl={status?.urls.callback ?? ''} />
            ))}
          </ul>
        </div>
      </section>
    </div>
  );
}

/** Asks the backend for every payment still CREATED/PENDING (the only way to learn an outcome whose callback was lost). */
function PollOpenButton() {
  const [busy, setBusy] = useState(false);
  const poll = async () => {
    setBusy(true);
    try {
      const { items } = await pollOpenPayments();
      for (const payment of items) upsertPayment(payment);
      showToast('info', `Asked the backend about ${items.length} open payment${items.length === 1 ? '' : 's'}.`);
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class="btn btn-small" disabled={busy} onClick={poll} title="GET /payment for every payment not final yet">
      {busy ? 'Asking…' : 'Poll open payments'}
    </button>
  );
}
