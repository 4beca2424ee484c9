// The go-live check tab: handler URL (remembered) and optional payment id, Run, then the report or why it did not run.

import { checkStore, runGoLiveCheck, setCheckInput, type CheckProblem } from '../state/check-state.ts';
import { paymentsStore } from '../state/payments-state.ts';
import { useStore } from '../state/store.ts';
import { CheckResult } from './CheckResult.tsx';
import '../styles/check.css';

const PROBLEM_TITLE: Record<string, string> = {
  no_payment: 'No emulator payment to build callbacks from',
  unknown_payment: 'No such emulator payment',
  forbidden_target: 'miahook will not send callbacks to this URL',
  bad_check_request: 'The check request is incomplete',
  missing_url: 'Which handler?',
  network: 'miahook is not answering',
};

export function CheckView() {
  const check = useStore(checkStore);
  const payments = useStore(paymentsStore);
  const handler = check.handlerUrl.trim();
  const suggestions = payments.items.filter((payment) => payment.backend === 'emulator').slice(0, 20);
  const submit = (event: Event) => {
    event.preventDefault();
    void runGoLiveCheck();
  };
  return (
    <div class="single check-view">
      <form class="card check-form" onSubmit={submit} data-testid="check-form" noValidate>
        <h3>Go-live check <span class="muted small">the same run as <code>miahook check {handler || '<handler-url>'}</code></span></h3>
        <p class="muted small">
          Sends your callback handler genuine, tampered, badly signed and malformed callbacks built from an emulator payment whose
          callbackUrl is that URL, one after another, and judges each answer as a safe handler would give it.
        </p>
        <div class="check-fields">
          <label class="field grow">
            <span>Handler URL</span>
            <input name="handlerUrl" type="url" value={check.handlerUrl} placeholder="http://127.0.0.1:3000/miapos/callback" required
              onInput={(event) => setCheckInput({ handlerUrl: event.currentTarget.value })} />
          </label>
          <label class="field">
            <span>Payment id <span class="muted">(optional)</span></span>
            <input name="paymentId" value={check.paymentId} list="check-payments" placeholder="newest for this URL" autoComplete="off"
              onInput={(event) => setCheckInput({ paymentId: event.currentTarget.value })} />
          </label>
          <button type="submit" class="btn btn-primary check-run" disabled={check.running} aria-busy={check.running}>
            {check.running ? 'Running…' : 'Run check'}
          </button>
        </div>
        <datalist id="check-payments">
          {suggestions.map((payment) => (
            <option key={payment.paymentId} value={payment.paymentId}>{`order ${payment.orderId}, ${payment.amount.toFixed(2)} ${payment.currency}${payment.callbackUrl ? ` → ${payment.callbackUrl}` : ''}`}</option>
          ))}
        </datalist>
        {check.running && (
          <p class="check-progress" role="status" data-testid="check-progress">
            <span class="live-dot" aria-hidden="true" /> Checking {handler}: {check.sent} request{check.sent === 1 ? '' : 's'} answered so far. A handler that does
            not answer can hold a case for up to 60 s.
          </p>
        )}
      </form>
      {check.problem && !check.running && <CheckProblemPanel problem={check.problem} />}
      {check.report && !check.running && <CheckResult report={check.report} deliveries={check.deliveries} />}
    </div>
  );
}

function CheckProblemPanel(props: { problem: CheckProblem }) {
  const { problem } = props;
  return (
    <div class="panel-error check-problem" role="alert" data-testid="check-error" data-code={problem.code}>
      <strong>{PROBLEM_TITLE[problem.code] ?? 'The check did not run'}</strong>
      <pre class="check-problem-text">{problem.message}</pre>
    </div>
  );
}
