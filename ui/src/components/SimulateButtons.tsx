// Emulator mode: makes a payment end the way the developer wants to test (miaPOS then sends its one callback).

import { useState } from 'preact/hooks';
import type { SimulateRequest } from '../../../shared/api.ts';
import type { PaymentRecord } from '../../../shared/records.ts';
import { isFinalStatus } from '../../../shared/protocol.ts';
import { simulatePayment } from '../api/endpoints.ts';
import { showError } from '../state/app-state.ts';
import { upsertPayment } from '../state/payments-state.ts';

const OUTCOMES: Array<{ status: SimulateRequest['status']; label: string; tone: string }> = [
  { status: 'PENDING', label: 'Pending', tone: '' },
  { status: 'SUCCESS', label: 'Succeed', tone: 'btn-good' },
  { status: 'FAILED', label: 'Fail', tone: 'btn-bad' },
  { status: 'DECLINED', label: 'Decline', tone: 'btn-bad' },
  { status: 'EXPIRED', label: 'Expire', tone: '' },
];

export function SimulateButtons(props: { payment: PaymentRecord }) {
  const [busy, setBusy] = useState<string | null>(null);
  const final = isFinalStatus(props.payment.status);
  const run = async (status: SimulateRequest['status']) => {
    setBusy(status);
    try {
      upsertPayment(await simulatePayment(props.payment.paymentId, status));
    } catch (error) {
      showError(error);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div class="simulate" role="group" aria-label="Emulator outcome">
      <span class="label">Emulator</span>
      {OUTCOMES.map((outcome) => (
        <button key={outcome.status} type="button" class={`btn btn-small ${outcome.tone}`} disabled={final || busy !== null || (outcome.status === 'PENDING' && props.payment.status === 'PENDING')}
          onClick={() => run(outcome.status)} data-simulate={outcome.status}
          title={final ? 'The payment is final: miaPOS never changes it again.' : `Make the emulator report ${outcome.status}`}>
          {busy === outcome.status ? '…' : outcome.label}
        </button>
      ))}
    </div>
  );
}
