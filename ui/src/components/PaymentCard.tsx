// One registered payment: its status, marks for unfinished ones and missing callbacks, its timeline, a backend refresh.

import { useState } from 'preact/hooks';
import type { PaymentRecord } from '../../../shared/records.ts';
import { isFinalStatus } from '../../../shared/protocol.ts';
import { refreshPayment } from '../api/endpoints.ts';
import { formatMoney, formatTime, formatDateTime } from '../lib/format.ts';
import { showError, viewStore } from '../state/app-state.ts';
import { openCapture } from '../state/captures-state.ts';
import { upsertPayment } from '../state/payments-state.ts';
import { StatusChip } from './badges.tsx';
import { SimulateButtons } from './SimulateButtons.tsx';

const SOURCE_TEXT = { registered: 'registered', poll: 'asked the backend', callback: 'callback', simulate: 'emulator outcome' } as const;

export function PaymentCard(props: { payment: PaymentRecord; emulator: boolean; readOnly: boolean; current: boolean; callbackUrl: string }) {
  const { payment } = props;
  const [busy, setBusy] = useState(false);
  const waiting = !isFinalStatus(payment.status);
  const staleCallback = waiting && isStaleCallback(payment.callbackUrl, props.callbackUrl);
  const refresh = async () => {
    setBusy(true);
    try {
      upsertPayment(await refreshPayment(payment.paymentId));
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };
  const showCapture = (id: string) => {
    viewStore.patch({ tab: 'captures' });
    openCapture(id);
  };
  return (
    <li class={`payment ${props.current ? 'payment-current' : ''}`} data-payment={payment.paymentId}>
      <div class="payment-line">
        <StatusChip status={payment.status} />
        <strong>{payment.orderId}</strong>
        <span class="num">{formatMoney(payment.amount, payment.currency)}</span>
        <span class="chip chip-neutral">{payment.paymentType}</span>
        {waiting && <span class="mark mark-wait" title="Not final yet: the payer has not paid, or the bank is still processing">waiting for the payer</span>}
        {staleCallback && (
          <span class="mark mark-bad" title={`Registered with ${payment.callbackUrl}, but miahook now listens on ${props.callbackUrl}: its callback will be lost. Refresh to learn the outcome.`}>
            old callback URL
          </span>
        )}
        {payment.callbackNeverArrived && (
          <span class="mark mark-bad" title="A final status was learned by asking the backend, but no callback ever arrived. miaPOS never retries.">callback never arrived</span>
        )}
        <span class="topbar-spacer" />
        <span class="muted small" title={formatDateTime(payment.createdAt)}>{formatTime(payment.createdAt)}</span>
        {!props.readOnly && (
          <button type="button" class="btn btn-small" disabled={busy} onClick={refresh} title="Ask the backend for the current status (GET /payment)">
            {busy ? 'Asking…' : 'Refresh'}
          </button>
        )}
      </div>
      <ol class="timeline" aria-label="Status timeline">
        {payment.timeline.map((entry, index) => (
          <li key={index} class={`timeline-step step-${entry.status.toLowerCase()}`}>
            <span class="timeline-status">{entry.status}</span>
            <span class="muted small">{SOURCE_TEXT[entry.source]} · {formatTime(entry.at)}</span>
          </li>
        ))}
      </ol>
      <div class="payment-foot small">
        <span class="muted">paymentId <code>{payment.paymentId}</code></span>
        {payment.callbackCaptureIds.length > 0
          ? payment.callbackCaptureIds.map((id, index) => <button key={id} type="button" class="link" onClick={() => showCapture(id)}>callback {index + 1}</button>)
          : <span class="muted">no callback yet</span>}
      </div>
      {props.emulator && !props.readOnly && waiting && <SimulateButtons payment={payment} />}
    </li>
  );
}

/** A payment registered with one of miahook's own callback URLs that is no longer the current one (a new tunnel). */
function isStaleCallback(registered: string | undefined, current: string): boolean {
  if (!registered || !current || registered === current) return false;
  const path = (url: string) => {
    try {
      return new URL(url).pathname;
    } catch {
      return '';
    }
  };
  return /^\/callback(\/|$)/.test(path(registered)) && safeOrigin(current) !== safeOrigin(registered);
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}
