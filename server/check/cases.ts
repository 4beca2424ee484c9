// The callbacks the go-live check sends, in order, each with what a safe handler answers and what a wrong answer means.

import type { CheckCase, CheckGroup } from '../../shared/check-report.ts';
import type { PaymentState } from '../../shared/protocol.ts';
import { writeNoDecimals, writeOneDecimal } from './amount-forms.ts';
import { buildCanonical, buildResultEntries, dropEntries, OPTIONAL_KEYS, setEntry, writeCallback, writeObject, type ResultEntries } from './callback-json.ts';

/** accept: 2xx; reject: 4xx; question: any answer, the developer must look at the order. */
export type Expectation = 'accept' | 'reject' | 'question';

export interface CasePlan {
  id: string;
  group: CheckGroup;
  name: string;
  sent: string;
  expect: Expectation;
  required: boolean;
  /** null: not sent (see skipReason). */
  body: Buffer | null;
  skipReason?: string;
  /** What the wrong answer means (a rejection for accept cases, an acceptance for reject cases), given the cases before it. */
  mistake: (earlier: ReadonlyMap<string, CheckCase>) => string;
  /** Warn when the right answer came after the warn limit (the genuine delivery, as miaPOS times it). */
  timed?: boolean;
}

export interface CaseContext {
  payment: PaymentState;
  /** Signs a canonical string with the emulator key (base64). */
  signText: (canonical: string) => string;
  /** Signs with a key miaPOS never had (base64). */
  signWithOtherKey: (canonical: string) => string;
  emulatorUrl: string;
  now: Date;
}

export const EXTRA_FIELD = ['newField', 'a field miaPOS may add later'] as const;
export const SEPARATOR_FIELD = ['payDescription', 'Plată; test №1'] as const;

export function planCases(context: CaseContext): CasePlan[] {
  const { payment, signText, emulatorUrl } = context;
  const sign = (entries: ResultEntries) => {
    const text = writeObject(entries);
    const canonical = buildCanonical(text);
    return { text, canonical, signature: signText(canonical) };
  };
  const body = (text: string) => Buffer.from(text, 'utf8');
  const signedBody = (entries: ResultEntries) => {
    const signed = sign(entries);
    return body(writeCallback(signed.text, signed.signature));
  };
  const base = buildResultEntries(payment, 'SUCCESS', context.now);
  const genuine = sign(base);
  const genuineText = writeCallback(genuine.text, genuine.signature);
  const amount = base.find(([key]) => key === 'amount')![1];
  const unsigned = (key: string, json: string) => body(writeCallback(writeObject(setEntry(base, key, json)), genuine.signature));
  const leavesOut = (field: string) => `your handler does not verify the signature, or verifies it over a string that leaves ${field} out`;
  const noVerification = (earlier: ReadonlyMap<string, CheckCase>, mistake: string) =>
    earlier.get('tampered-amount')?.verdict === 'fail' && earlier.get('tampered-status')?.verdict === 'fail'
      ? 'your handler does not verify signatures at all (it accepted the tampered callbacks above too): verify every callback with the key of this environment and answer 400 when it does not match'
      : mistake;
  const twoDecimalsHint = `you format amount from the float or as written: the sign string needs exactly two decimals (${amount})`;
  const declined = sign(buildResultEntries(payment, 'DECLINED', context.now));
  const otherAmount = amount === '0.01' ? '1.00' : '0.01';
  const otherCurrency = payment.currency === 'EUR' ? 'MDL' : 'EUR';
  const otherOrderId = /^\d{1,15}$/.test(payment.orderId) ? String(Number(payment.orderId) + 1) : `${payment.orderId}-2`;
  const oneDecimal = writeOneDecimal(amount);
  const noDecimals = writeNoDecimals(amount);
  const amountCase = (id: string, name: string, written: string | null, what: string, example: string): CasePlan => ({
    id, group: 'common-bugs', name, expect: 'accept', required: true,
    sent: written === null ? `amount ${amount} ${what}: not possible` : `genuine SUCCESS, amount written ${written} in the JSON (signed string still reads ${amount})`,
    body: written === null ? null : signedBody(setEntry(base, 'amount', written)),
    ...(written === null ? { skipReason: `the payment's amount ${amount} cannot be written ${what} and keep its value; check a payment of e.g. ${example} to run this case` } : {}),
    mistake: () => twoDecimalsHint,
  });

  return [
    {
      id: 'genuine', group: 'genuine', name: 'Genuine callback (SUCCESS)', expect: 'accept', required: true, timed: true,
      sent: `SUCCESS for payment ${payment.paymentId}, signed with the emulator key`,
      body: body(genuineText),
      mistake: () => `your handler rejects a genuine callback: check that it verifies with the emulator's key (GET ${emulatorUrl}/ecomm/api/v1/public-key with a token from POST ${emulatorUrl}/ecomm/api/v1/token) over exactly this sign string: ${genuine.canonical}`,
    },
    {
      id: 'duplicate', group: 'genuine', name: 'The same callback again', expect: 'accept', required: true,
      sent: 'the same bytes again (a retry or a replay)', body: body(genuineText),
      mistake: () => 'a retry must not look like an error: apply each paymentId+status once, and answer 2xx to one you already applied',
    },
    {
      id: 'tampered-amount', group: 'tampered', name: 'Amount changed, not re-signed', expect: 'reject', required: true,
      sent: `amount ${amount} -> ${otherAmount}, signature kept`, body: unsigned('amount', otherAmount), mistake: () => leavesOut('amount'),
    },
    {
      id: 'tampered-currency', group: 'tampered', name: 'Currency changed, not re-signed', expect: 'reject', required: true,
      sent: `currency ${payment.currency} -> ${otherCurrency}, signature kept`, body: unsigned('currency', JSON.stringify(otherCurrency)), mistake: () => leavesOut('currency'),
    },
    {
      id: 'tampered-orderId', group: 'tampered', name: 'orderId changed, not re-signed', expect: 'reject', required: true,
      sent: `orderId ${payment.orderId} -> ${otherOrderId}, signature kept`, body: unsigned('orderId', JSON.stringify(otherOrderId)), mistake: () => leavesOut('orderId'),
    },
    {
      id: 'tampered-status', group: 'tampered', name: 'Status changed, not re-signed', expect: 'reject', required: true,
      sent: 'a signed DECLINED callback with status changed to SUCCESS, signature kept',
      body: body(writeCallback(declined.text.replace('"status":"DECLINED"', '"status":"SUCCESS"'), declined.signature)),
      mistake: () => `${leavesOut('status')}: a forged SUCCESS would get the order shipped unpaid`,
    },
    {
      id: 'signature-other-key', group: 'signature', name: 'Signed with another key', expect: 'reject', required: true,
      sent: 'the genuine result, signed with a fresh RSA key miaPOS never had',
      body: body(writeCallback(genuine.text, context.signWithOtherKey(genuine.canonical))),
      mistake: (earlier) => noVerification(earlier, 'verify with the public key of this environment (GET /ecomm/api/v1/public-key), never a key that comes with the request'),
    },
    {
      id: 'signature-missing', group: 'signature', name: 'No signature', expect: 'reject', required: true,
      sent: 'the genuine result without a "signature" field', body: body(writeCallback(genuine.text, undefined)),
      mistake: (earlier) => noVerification(earlier, 'your handler accepts a callback without a signature: a missing signature must get 400'),
    },
    {
      id: 'signature-empty', group: 'signature', name: 'Empty signature', expect: 'reject', required: true,
      sent: 'the genuine result with "signature": ""', body: body(writeCallback(genuine.text, '')),
      mistake: (earlier) => noVerification(earlier, 'your handler accepts an empty signature: treat it as invalid and answer 400'),
    },
    {
      id: 'signature-not-base64', group: 'signature', name: 'Signature not base64', expect: 'reject', required: true,
      sent: 'the genuine result with "signature": "not base64!"', body: body(writeCallback(genuine.text, 'not base64!')),
      mistake: (earlier) => noVerification(earlier, 'your handler accepts a signature that is not base64: an undecodable signature must get 400'),
    },
    {
      id: 'body-not-json', group: 'bad-input', name: 'Body not JSON', expect: 'reject', required: true,
      sent: `the genuine body cut off after ${Math.floor(genuineText.length / 2)} characters`, body: body(genuineText.slice(0, Math.floor(genuineText.length / 2))),
      mistake: () => 'your handler answers 2xx to a body that is not JSON: answer 400',
    },
    {
      id: 'result-missing', group: 'bad-input', name: '"result" missing', expect: 'reject', required: true,
      sent: '{"signature": ...} with no "result"', body: body(`{"signature":${JSON.stringify(genuine.signature)}}`),
      mistake: () => 'your handler answers 2xx to a callback without "result": answer 400',
    },
    {
      id: 'result-not-object', group: 'bad-input', name: '"result" not an object', expect: 'reject', required: true,
      sent: '"result" is the genuine result as a JSON string', body: body(writeCallback(JSON.stringify(genuine.text), genuine.signature)),
      mistake: () => 'your handler answers 2xx when "result" is not an object: answer 400',
    },
    amountCase('amount-one-decimal', 'Amount with one decimal', oneDecimal, 'with one decimal', '12.50 or 100.00'),
    amountCase('amount-no-decimals', 'Amount without decimals', noDecimals, 'without decimals', '100.00'),
    {
      id: 'extra-field', group: 'common-bugs', name: 'Unknown extra field', expect: 'accept', required: true,
      sent: `genuine SUCCESS with an added field "${EXTRA_FIELD[0]}": "${EXTRA_FIELD[1]}", signed`,
      body: signedBody(setEntry(base, EXTRA_FIELD[0], JSON.stringify(EXTRA_FIELD[1]))),
      mistake: () => 'a hard-coded field list: sign every key of result (sorted by key), known or not',
    },
    {
      id: 'optional-fields-absent', group: 'common-bugs', name: 'Optional fields absent', expect: 'accept', required: true,
      sent: `genuine SUCCESS without ${OPTIONAL_KEYS.join(', ')} (miaPOS leaves null fields out)`,
      body: signedBody(dropEntries(base, OPTIONAL_KEYS)),
      mistake: () => `your handler needs ${OPTIONAL_KEYS.join('/')}: miaPOS leaves null fields out, so sign only the keys that came, and do not require them`,
    },
    {
      id: 'separator-and-non-ascii', group: 'common-bugs', name: "A value with ';' and non-ASCII text", expect: 'accept', required: true,
      sent: `genuine SUCCESS with "${SEPARATOR_FIELD[0]}": "${SEPARATOR_FIELD[1]}", signed`,
      body: signedBody(setEntry(base, SEPARATOR_FIELD[0], JSON.stringify(SEPARATOR_FIELD[1]))),
      mistake: (earlier) => earlier.get('extra-field')?.verdict === 'fail'
        ? "probably the same hard-coded field list (this callback also carries a field your list lacks); once fixed, make sure values are joined with ';' as they are and signed as UTF-8"
        : "values are joined with ';' as they are: do not escape or split them, and sign the string's UTF-8 bytes",
    },
    {
      id: 'status-downgrade', group: 'downgrade', name: 'Genuine downgrade after SUCCESS', expect: 'question', required: false,
      sent: 'a genuine, signed PENDING for the same payment, after the SUCCESS ones',
      body: signedBody(buildResultEntries(payment, 'PENDING', context.now)),
      mistake: () => 'did your handler ignore it? A final status never changes: the order must still be paid. Look at it now; if it went back to PENDING, never move a final status back',
    },
  ];
}
