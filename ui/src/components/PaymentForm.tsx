// The new-payment form: every field of the miaPOS demo page, the callback URL prefilled with miahook's own.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { NewPaymentRequest } from '../../../shared/api.ts';
import type { Language, PaymentType } from '../../../shared/protocol.ts';
import { createPayment } from '../api/endpoints.ts';
import { generateOrderId } from '../lib/order-id.ts';
import { bumpCount, statusStore } from '../state/app-state.ts';
import { paymentsStore, upsertPayment } from '../state/payments-state.ts';
import { useStore } from '../state/store.ts';

interface FormValues {
  amount: string;
  orderId: string;
  payDescription: string;
  currency: string;
  language: Language;
  paymentType: PaymentType;
  clientName: string;
  clientPhone: string;
  clientEmail: string;
  successUrl: string;
  failUrl: string;
  callbackUrl: string;
}

const AMOUNT_PATTERN = /^\d+(\.\d{1,2})?$/;

export function PaymentForm() {
  const { status } = useStore(statusStore);
  const [values, setValues] = useState<FormValues>(() => ({
    amount: '150.00', orderId: generateOrderId(), payDescription: 'Test order', currency: 'MDL', language: 'ro', paymentType: 'qr',
    clientName: '', clientPhone: '', clientEmail: '', successUrl: '', failUrl: '', callbackUrl: status?.urls.callback ?? '',
  }));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const callback = status?.urls.callback ?? '';
  const prefilled = useRef(callback);
  // Follow miahook's callback URL (a new tunnel changes it) unless the developer typed their own.
  useEffect(() => {
    const previous = prefilled.current;
    prefilled.current = callback;
    if (callback) setValues((current) => (current.callbackUrl === '' || current.callbackUrl === previous ? { ...current, callbackUrl: callback } : current));
  }, [callback]);

  const set = <K extends keyof FormValues>(key: K) => (event: { currentTarget: { value: string } }) =>
    setValues((current) => ({ ...current, [key]: event.currentTarget.value as FormValues[K] }));

  const submit = async (event: Event) => {
    event.preventDefault();
    const problem = checkValues(values);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      const payment = await createPayment(buildRequest(values));
      if (upsertPayment(payment)) bumpCount('payments', 1);
      paymentsStore.patch({ currentId: payment.paymentId });
      setValues((current) => ({ ...current, orderId: generateOrderId() }));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const text = (key: keyof FormValues, label: string, extra: Record<string, unknown> = {}) => (
    <label class="field">
      <span>{label}</span>
      <input name={key} value={values[key]} onInput={set(key)} {...extra} />
    </label>
  );

  return (
    <form class="card payment-form" onSubmit={submit} data-testid="payment-form" noValidate>
      <h3>New payment <span class="muted small">{status?.mode === 'sandbox' ? `on ${status.backend.baseUrl}` : 'on the built-in emulator'}</span></h3>
      <div class="grid-2">
        {text('amount', 'Amount', { inputMode: 'decimal', required: true, autoFocus: true })}
        <label class="field">
          <span>Currency</span>
          <select name="currency" value={values.currency} onChange={set('currency')}>
            <option value="MDL">MDL</option>
            <option value="EUR">EUR (ends FAILED, as on miaPOS)</option>
          </select>
        </label>
        <label class="field">
          <span>Order id</span>
          <span class="input-with-button">
            <input name="orderId" value={values.orderId} onInput={set('orderId')} />
            <button type="button" class="btn btn-small" title="New order id" onClick={() => setValues((current) => ({ ...current, orderId: generateOrderId() }))}>↻</button>
          </span>
        </label>
        {text('payDescription', 'Description')}
        <label class="field">
          <span>Language</span>
          <select name="language" value={values.language} onChange={set('language')}>
            <option value="ro">Română (ro)</option>
            <option value="ru">Русский (ru)</option>
            <option value="en">English (en)</option>
          </select>
        </label>
        <label class="field">
          <span>Payment type</span>
          <select name="paymentType" value={values.paymentType} onChange={set('paymentType')}>
            <option value="qr">QR code (qr)</option>
            <option value="rtp">Request to Pay (rtp)</option>
          </select>
        </label>
        {text('clientName', values.paymentType === 'rtp' ? 'Client name (required for rtp)' : 'Client name')}
        {text('clientPhone', values.paymentType === 'rtp' ? 'Client phone (required for rtp)' : 'Client phone', { type: 'tel', placeholder: '+373…' })}
        {text('clientEmail', 'Client email', { type: 'email' })}
        {text('successUrl', 'Success URL', { type: 'url', placeholder: 'terminal default' })}
        {text('failUrl', 'Fail URL', { type: 'url', placeholder: 'terminal default' })}
        {text('callbackUrl', 'Callback URL', { type: 'url' })}
      </div>
      {error && <div class="inline-error" role="alert">{error}</div>}
      <div class="row">
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? 'Creating…' : 'Create payment'}</button>
        <span class="muted small">Sends POST /ecomm/api/v1/{values.paymentType === 'rtp' ? 'request-to-pay/direct' : 'pay'}</span>
      </div>
    </form>
  );
}

function checkValues(values: FormValues): string | null {
  if (!AMOUNT_PATTERN.test(values.amount.trim()) || Number(values.amount) <= 0) return 'Amount must be a number above 0 with at most two decimals, like 150 or 12.50.';
  if (!values.orderId.trim()) return 'Order id is required (↻ makes one).';
  if (values.paymentType === 'rtp' && (!values.clientName.trim() || !values.clientPhone.trim())) return 'Request to Pay needs the client name and phone.';
  return null;
}

function buildRequest(values: FormValues): NewPaymentRequest {
  const request: NewPaymentRequest = { amount: Number(values.amount.trim()), orderId: values.orderId.trim(), currency: values.currency, language: values.language, paymentType: values.paymentType };
  const optional = ['payDescription', 'clientName', 'clientPhone', 'clientEmail', 'successUrl', 'failUrl', 'callbackUrl'] as const;
  for (const key of optional) {
    const value = values[key].trim();
    if (value) request[key] = value;
  }
  return request;
}
