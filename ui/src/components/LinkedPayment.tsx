// The payment this callback belongs to (when miahook registered it), and every field where they disagree.

import type { CaptureDetail } from '../../../shared/api.ts';
import { formatDateTime, formatMoney } from '../lib/format.ts';
import { viewStore } from '../state/app-state.ts';
import { paymentsStore } from '../state/payments-state.ts';
import { StatusChip } from './badges.tsx';

export function LinkedPayment(props: { detail: CaptureDetail; readOnly: boolean }) {
  const { detail } = props;
  const payment = detail.linkedPayment;
  const mismatches = detail.payment?.mismatches ?? [];
  if (!detail.payment) {
    if (!detail.summary.paymentId) return null;
    return (
      <section class="card">
        <h3>Payment</h3>
        <p class="muted">paymentId <code>{detail.summary.paymentId}</code> was not registered through miahook, so there is nothing to compare it with.</p>
      </section>
    );
  }
  const show = () => {
    paymentsStore.patch({ currentId: detail.payment!.paymentId });
    viewStore.patch({ tab: 'payments' });
  };
  return (
    <section class={`card ${mismatches.length ? 'card-warn' : ''}`} data-testid="linked-payment">
      <h3>Payment <span class="topbar-spacer" />{!props.readOnly && <button type="button" class="btn btn-small" onClick={show}>Show in Payments</button>}</h3>
      {payment ? (
        <dl class="facts">
          <div><dt>Order</dt><dd>{payment.orderId}</dd></div>
          <div><dt>Registered</dt><dd>{formatMoney(payment.amount, payment.currency)}</dd></div>
          <div><dt>Status now</dt><dd><StatusChip status={payment.status} /></dd></div>
          <div><dt>Created</dt><dd>{formatDateTime(payment.createdAt)}</dd></div>
          <div><dt>paymentId</dt><dd><code>{payment.paymentId}</code></dd></div>
        </dl>
      ) : <p class="muted">Payment <code>{detail.payment.paymentId}</code>{props.readOnly ? ': its details are not part of a shared view.' : ' (its record is gone).'}</p>}
      {mismatches.length > 0 ? (
        <div class="mismatches">
          <p class="bad-line">This callback disagrees with the payment you registered. A correct handler must refuse it.</p>
          <table class="table table-compact">
            <thead><tr><th>Field</th><th>Registered</th><th>In the callback</th></tr></thead>
            <tbody>
              {mismatches.map((mismatch) => (
                <tr key={mismatch.field}><td><code>{mismatch.field}</code></td><td><code>{mismatch.expected}</code></td><td><code>{mismatch.got}</code></td></tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p class="ok-line small">Amount, currency, order and terminal match the registered payment.</p>}
    </section>
  );
}
