// Test helper: the sign string as a merchant's handler builds it, written independently of miahook's own code,
// with switches for classic mistakes (amount as written, a hard-coded field list, escaped ';' in values).

export interface HandlerSignOptions {
  /** 'two-decimals' (correct: from the JSON text, padded to two decimals) or 'as-written' (the bug). */
  amount: 'two-decimals' | 'as-written';
  /** 'all' (correct: every key of result) or 'fixed' (the bug: the fields known today, absent ones as "undefined"). */
  fields: 'all' | 'fixed';
  /** 'as-is' (correct) or 'escaped' (the bug: ';' inside a value written as '\\;'). */
  values: 'as-is' | 'escaped';
}

const FIXED_FIELDS = ['amount', 'currency', 'orderId', 'paymentDate', 'paymentId', 'paymentType', 'status', 'swiftMessageId', 'swiftPayerBank', 'terminalId'];

/** Builds the string from the raw body text (for the amount as written) and the parsed result. */
export function buildHandlerSignString(rawBody: string, result: Record<string, unknown>, options: HandlerSignOptions): string {
  const keys = options.fields === 'fixed' ? FIXED_FIELDS : Object.keys(result).filter((key) => result[key] !== null).sort();
  const write = (value: unknown) => (options.values === 'escaped' ? String(value).replaceAll(';', '\\;') : String(value));
  return keys.map((key) => (key === 'amount' ? writeAmount(rawBody, options.amount) : write(result[key]))).join(';');
}

function writeAmount(rawBody: string, mode: HandlerSignOptions['amount']): string {
  const written = /"amount"\s*:\s*"?(-?\d+(?:\.\d+)?)/.exec(rawBody)?.[1] ?? '';
  if (mode === 'as-written') return written;
  const [whole, fraction = ''] = written.split('.');
  return `${whole}.${(fraction + '00').slice(0, 2)}`;
}
