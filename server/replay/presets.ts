// Handler-test presets: variations of a stored callback (duplicate, tampered amount, downgrade...), edited in place.

import { formatAmountText } from '../../shared/amount.ts';
import type { PresetName as ApiPresetName } from '../../shared/api.ts';
import { isFinalStatus, isPaymentStatus, type PaymentStatus } from '../../shared/protocol.ts';
import { parseRawJson, type RawJsonObject } from '../../shared/raw-json.ts';
import { buildSignString } from '../../shared/sign-string.ts';
import { findEntry, replaceSpans, scanJsonSpans, type ObjectSpan, type SpanNode } from './json-spans.ts';

export const PRESET_NAMES = ['duplicate', 'tampered-amount', 'status-downgrade', 'extra-field', 'amount-no-decimals'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
// The API names the same presets (shared/api.ts); this line fails the typecheck if the two lists drift apart.
const _samePresets: [PresetName, ApiPresetName] extends [ApiPresetName, PresetName] ? true : never = true;

/** Signs a canonical string and returns the base64 signature (only the emulator holds a private key). */
export type SignText = (canonical: string) => string;

export interface PresetInfo {
  name: PresetName;
  label: string;
  /** What a correct handler does with it. */
  expect: string;
  /** Needs a signer (emulator mode). */
  needsSigner: boolean;
}

export const PRESETS: readonly PresetInfo[] = [
  { name: 'duplicate', label: 'Duplicate', expect: 'applied once: the second delivery changes nothing', needsSigner: false },
  { name: 'tampered-amount', label: 'Tampered amount (unsigned)', expect: 'rejected: the signature no longer matches', needsSigner: false },
  { name: 'status-downgrade', label: 'Status downgrade (re-signed)', expect: 'ignored: a final status never changes', needsSigner: true },
  { name: 'extra-field', label: 'Unknown extra field (re-signed)', expect: 'accepted: every field of result is signed, known or not', needsSigner: true },
  { name: 'amount-no-decimals', label: 'Amount without decimals', expect: 'accepted: the signed string still has two decimals', needsSigner: false },
];

export type PresetErrorCode = 'unknown-preset' | 'not-a-callback' | 'needs-signer' | 'missing-field' | 'bad-option';

export class PresetError extends Error {
  constructor(readonly code: PresetErrorCode, message: string) {
    super(message);
    this.name = 'PresetError';
  }
}

export interface PresetOptions {
  /** status-downgrade: the status to send (default PENDING after a final status, CREATED after PENDING). */
  status?: PaymentStatus;
  /** tampered-amount: the amount to write, as a JSON number (default 0.01, or 1.00 when it was 0.01). */
  amount?: string;
}

export interface PresetResult {
  body: Buffer;
  resigned: boolean;
  /** One sentence: what changed. */
  change: string;
}

const EXTRA_FIELD_VALUE = 'added by miahook';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function isPresetName(value: unknown): value is PresetName {
  return typeof value === 'string' && (PRESET_NAMES as readonly string[]).includes(value);
}

/** Builds the preset's body from a stored callback body; the other bytes are kept as they were. */
export function applyPreset(preset: PresetName, body: Buffer, signText?: SignText, options: PresetOptions = {}): PresetResult {
  if (!isPresetName(preset)) throw new PresetError('unknown-preset', `Unknown preset "${String(preset)}": use one of ${PRESET_NAMES.join(', ')}.`);
  if (preset === 'duplicate') return { body: Buffer.from(body), resigned: false, change: 'nothing: the same bytes again' };
  const info = PRESETS.find((entry) => entry.name === preset)!;
  if (info.needsSigner && !signText) {
    throw new PresetError('needs-signer', `The "${preset}" preset re-signs the callback, and only the emulator holds a signing key: use emulator mode, or a preset that needs no signature (duplicate, tampered-amount, amount-no-decimals).`);
  }
  const text = decodeBody(body);
  const { result } = readCallbackSpans(text);
  let edited: string;
  let change: string;
  if (preset === 'tampered-amount') {
    const amount = requireEntry(result, 'amount').value;
    const current = formatAmountText(unquote(amount)) ?? unquote(amount);
    const next = options.amount ?? (current === '0.01' ? '1.00' : '0.01');
    if (formatAmountText(next) === null || !/^-?\d/.test(next)) throw new PresetError('bad-option', `"${next}" is not a number; give the tampered amount as e.g. 0.01.`);
    edited = replaceSpans(text, [{ ...amount, text: amount.text.startsWith('"') ? JSON.stringify(next) : next }]);
    change = `amount ${amount.text} -> ${next}, signature left as it was`;
  } else if (preset === 'amount-no-decimals') {
    const amount = requireEntry(result, 'amount').value;
    const formatted = formatAmountText(unquote(amount));
    if (formatted === null) throw new PresetError('missing-field', `"amount" is ${amount.text}, not a number.`);
    const short = formatted.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    edited = replaceSpans(text, [{ ...amount, text: short }]);
    change = `amount ${amount.text} -> ${short} in the JSON text; the signed string still reads ${formatted}`;
  } else if (preset === 'status-downgrade') {
    const status = requireEntry(result, 'status').value;
    const current = unquote(status);
    const next = options.status ?? pickDowngrade(current);
    edited = replaceSpans(text, [{ ...status, text: JSON.stringify(next) }]);
    change = `status ${current} -> ${next}`;
  } else {
    let key = 'extraField';
    for (let n = 2; findEntry(result, key); n++) key = `extraField${n}`;
    const last = result.entries.at(-1);
    const insert = `${last ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(EXTRA_FIELD_VALUE)}`;
    const at = last ? last.value.end : result.start + 1;
    edited = replaceSpans(text, [{ start: at, end: at, text: insert }]);
    change = `result gained "${key}": "${EXTRA_FIELD_VALUE}"`;
  }
  // The tamper keeps the old signature on purpose: that is the test.
  if (!signText || preset === 'tampered-amount') return { body: Buffer.from(edited, 'utf8'), resigned: false, change };
  return { body: Buffer.from(resignBody(edited, signText), 'utf8'), resigned: true, change: `${change}; re-signed` };
}

/** Signs the (edited) body's result again and writes the new signature in place (or adds one). */
export function resignBody(body: string, signText: SignText): string {
  const { root, result, resultRaw } = readCallbackSpans(body);
  const signature = JSON.stringify(signText(buildSignString(resultRaw)));
  const existing = findEntry(root, 'signature');
  if (existing) return replaceSpans(body, [{ ...existing.value, text: signature }]);
  const last = root.entries.at(-1)!;
  return replaceSpans(body, [{ start: last.value.end, end: last.value.end, text: `,"signature":${signature}` }]);
}

function readCallbackSpans(text: string): { root: ObjectSpan; result: ObjectSpan; resultRaw: RawJsonObject } {
  let parsed;
  try {
    parsed = parseRawJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new PresetError('not-a-callback', `The body is not JSON (${(error as Error).message}), so it is not a miaPOS callback.`);
  }
  if (parsed.kind !== 'object') throw new PresetError('not-a-callback', `The body is a JSON ${parsed.kind}, not a callback object {result, signature}.`);
  const root = scanJsonSpans(text) as ObjectSpan;
  const result = findEntry(root, 'result')?.value;
  const resultRaw = parsed.entries.findLast(([key]) => key === 'result')?.[1];
  if (!result || result.kind !== 'object' || resultRaw?.kind !== 'object') {
    throw new PresetError('not-a-callback', 'The body has no "result" object, so it is not a miaPOS callback.');
  }
  return { root, result, resultRaw };
}

function decodeBody(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new PresetError('not-a-callback', 'The body is not UTF-8 text, so it is not a miaPOS callback.');
  }
}

function requireEntry(result: ObjectSpan, key: string): { value: Extract<SpanNode, { kind: 'other' }> } {
  const entry = findEntry(result, key);
  if (!entry || entry.value.kind !== 'other' || entry.value.text === 'null') {
    throw new PresetError('missing-field', `The callback's result has no "${key}" value to change.`);
  }
  return { value: entry.value };
}

function unquote(node: { text: string }): string {
  return node.text.startsWith('"') ? (JSON.parse(node.text) as string) : node.text;
}

function pickDowngrade(current: string): PaymentStatus {
  if (isPaymentStatus(current) && isFinalStatus(current)) return 'PENDING';
  if (current === 'PENDING') return 'CREATED';
  throw new PresetError('bad-option', `Status ${current} has nothing below it to downgrade to: choose the status to send.`);
}
