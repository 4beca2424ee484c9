// A finished go-live check: the ready / not ready banner, the CLI's summary line, the payment it used, limits, the table.

import type { CheckReport } from '../../../shared/check-report.ts';
import type { Delivery } from '../../../shared/records.ts';
import { describeChosenPayment, formatCheckDuration, formatCheckSummary, formatCheckVerdict } from '../lib/check-text.ts';
import { formatDateTime } from '../lib/format.ts';
import { CheckTable } from './CheckTable.tsx';
import { CopyButton } from './CopyButton.tsx';

export function CheckResult(props: { report: CheckReport; deliveries: Record<string, Delivery> }) {
  const { report } = props;
  const { payment } = report;
  const verdict = formatCheckVerdict(report);
  const otherCallback = payment.callbackUrl !== null && payment.callbackUrl !== report.handlerUrl;
  return (
    <section class="card check-result" aria-label="Check report" data-testid="check-report">
      <div class={`check-banner ${report.ok ? 'check-banner-ready' : 'check-banner-not-ready'}`} role="status" data-testid="check-banner" data-ready={report.ok ? 'yes' : 'no'}>
        <strong>{verdict.lead}:</strong> {verdict.rest}
      </div>
      <p class="check-summary" data-testid="check-summary">{formatCheckSummary(report)}</p>
      <dl class="facts facts-stacked check-facts">
        <div><dt>Handler</dt><dd><code>{report.handlerUrl}</code></dd></div>
        <div>
          <dt>Payment</dt>
          <dd data-testid="check-payment">
            <code>{payment.paymentId}</code> <CopyButton text={payment.paymentId} />{' '}
            <span class="muted">order {payment.orderId}, {payment.amount} {payment.currency}; {describeChosenPayment(report)}</span>
            {otherCallback && <div class="note small">Its callbackUrl is {payment.callbackUrl}, not the handler URL: genuine callbacks for it go elsewhere in real life.</div>}
          </dd>
        </div>
        <div>
          <dt>Timing</dt>
          <dd class="muted">
            started {formatDateTime(report.startedAt)}, took {formatCheckDuration(report.durationMs)}; an answer slower than {formatCheckDuration(report.limits.warnMs)} warns,
            none within {formatCheckDuration(report.limits.failMs)} fails
          </dd>
        </div>
      </dl>
      <CheckTable cases={report.cases} deliveries={props.deliveries} />
    </section>
  );
}
