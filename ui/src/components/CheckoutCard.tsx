// The payment just created: its checkout link and QR code, its live status, and the emulator's outcome buttons.

import type { PaymentRecord } from '../../../shared/records.ts';
import { formatMoney } from '../lib/format.ts';
import { StatusChip } from './badges.tsx';
import { CopyButton } from './CopyButton.tsx';
import { QrCode } from './QrCode.tsx';
import { SimulateButtons } from './SimulateButtons.tsx';

export function CheckoutCard(props: { payment: PaymentRecord; emulator: boolean; readOnly: boolean }) {
  const { payment } = props;
  return (
    <section class="card checkout" data-testid="checkout" data-payment={payment.paymentId}>
      <h3>Checkout <StatusChip status={payment.status} /></h3>
      <div class="checkout-body">
        {payment.checkoutPage ? <QrCode text={payment.checkoutPage} /> : <div class="qr qr-none muted small">Request to Pay: the payer gets it in the banking app, there is no page.</div>}
        <dl class="facts facts-stacked">
          <div><dt>Amount</dt><dd>{formatMoney(payment.amount, payment.currency)}</dd></div>
          <div><dt>Order</dt><dd>{payment.orderId}</dd></div>
          <div><dt>paymentId</dt><dd><code>{payment.paymentId}</code> <CopyButton text={payment.paymentId} /></dd></div>
          {payment.checkoutPage && (
            <div>
              <dt>Checkout page</dt>
              <dd><a href={payment.checkoutPage} target="_blank" rel="noopener noreferrer" data-testid="checkout-link">{payment.checkoutPage}</a> <CopyButton text={payment.checkoutPage} /></dd>
            </div>
          )}
          <div><dt>Callback to</dt><dd><code>{payment.callbackUrl ?? 'the terminal default'}</code></dd></div>
        </dl>
      </div>
      {props.emulator && !props.readOnly && <SimulateButtons payment={payment} />}
    </section>
  );
}
