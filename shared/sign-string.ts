// The canonical string miaPOS signs: result values sorted by key code point, amount with two decimals, joined by ';'.

import { formatAmountText } from './amount.ts';
import { stringifyRawJson, toRawJson, type RawJson, type RawJsonObject } from './raw-json.ts';

/** One value of the canonical string, labelled by the key it came from. */
export interface SignField {
  key: string;
  value: string;
}

/** How to build the string; the defaults are the correct algorithm, the rest are known mistakes. */
export interface SignStringOptions {
  /** 'sorted' (correct) or 'received' (keys in the order they arrived). */
  order?: 'sorted' | 'received';
  /** 'two-decimals' (correct), 'as-written' (the JSON text), 'float' (through a float, then two decimals). */
  amount?: 'two-decimals' | 'as-written' | 'float';
  /** 'skip' (correct: miaPOS leaves null fields out), 'as-null' or 'as-empty' (kept). */
  nulls?: 'skip' | 'as-null' | 'as-empty';
  /** Only these keys (a hard-coded field list); all keys by default. */
  onlyKeys?: readonly string[];
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Compares two strings by Unicode code point (not by UTF-16 unit, unlike Array#sort). */
export function compareCodePoints(a: string, b: string): number {
  // Without surrogate pairs, UTF-16 order is code-point order: compare directly, allocating nothing.
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const left = Array.from(a);
  const right = Array.from(b);
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const diff = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

/** Builds the labelled fields of the canonical string from a callback's `result`. */
export function buildSignFields(result: RawJsonObject | Record<string, unknown>, options: SignStringOptions = {}): SignField[] {
  const object = isRawObject(result) ? result : (toRawJson(result) as RawJsonObject);
  const latest = new Map<string, RawJson>();
  for (const [key, value] of object.entries) latest.set(key, value);
  let keys = [...latest.keys()];
  if (options.onlyKeys) keys = keys.filter((key) => options.onlyKeys!.includes(key));
  if ((options.order ?? 'sorted') === 'sorted') keys.sort(compareCodePoints);
  const fields: SignField[] = [];
  for (const key of keys) {
    const value = latest.get(key)!;
    if (value.kind === 'null') {
      const nulls = options.nulls ?? 'skip';
      if (nulls !== 'skip') fields.push({ key, value: nulls === 'as-null' ? 'null' : '' });
      continue;
    }
    fields.push({ key, value: key === 'amount' ? stringifyAmount(value, options.amount ?? 'two-decimals') : stringifyValue(value) });
  }
  return fields;
}

/** Joins labelled fields the way miaPOS does. */
export function joinSignFields(fields: readonly SignField[]): string {
  return fields.map((field) => field.value).join(';');
}

/** The canonical sign string of a callback's `result`. */
export function buildSignString(result: RawJsonObject | Record<string, unknown>, options: SignStringOptions = {}): string {
  return joinSignFields(buildSignFields(result, options));
}

function stringifyValue(value: RawJson): string {
  switch (value.kind) {
    case 'string':
      return value.value;
    case 'number':
      return value.raw;
    case 'boolean':
      return String(value.value);
    default:
      return stringifyRawJson(value);
  }
}

function stringifyAmount(value: RawJson, mode: NonNullable<SignStringOptions['amount']>): string {
  if (value.kind !== 'number') return stringifyValue(value);
  if (mode === 'as-written') return value.raw;
  if (mode === 'float') return value.value.toFixed(2);
  return formatAmountText(value.raw) ?? value.raw;
}

function isRawObject(value: unknown): value is RawJsonObject {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'object'
    && Array.isArray((value as { entries?: unknown }).entries);
}
