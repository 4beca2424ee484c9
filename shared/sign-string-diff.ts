// Compares the sign string a developer's code built against the canonical one, field by field, naming known mistakes.

import { formatAmountText } from './amount.ts';
import type { SignField } from './sign-string.ts';

export type SignDiffKind = 'same' | 'changed' | 'missing' | 'extra';

/** One row of the comparison: an expected field, a pasted value, or both. */
export interface SignDiffRow {
  kind: SignDiffKind;
  /** The key of the expected field (absent for an extra pasted value). */
  key?: string;
  expected?: string;
  got?: string;
  /** Plain words on what went wrong with this row, when a known mistake explains it. */
  hint?: string;
}

export interface SignStringDiff {
  /** True when the pasted string is exactly the canonical one. */
  equal: boolean;
  rows: SignDiffRow[];
  /** Remarks about the whole string (raw body pasted, trailing line break, keys out of order). */
  notes: string[];
}

/**
 * Splits `pasted` on ';' and aligns its parts with the expected fields (longest common subsequence, so a
 * left-out or added field does not shift every later row), then explains each difference.
 */
export function diffSignString(expected: readonly SignField[], pasted: string): SignStringDiff {
  const notes: string[] = [];
  let text = pasted;
  const trimmed = text.replace(/[\r\n]+$/, '');
  if (trimmed !== text) {
    notes.push('The pasted text ended with a line break, ignored here; make sure your code does not sign one.');
    text = trimmed;
  }
  const canonical = expected.map((field) => field.value).join(';');
  if (text === canonical) return { equal: true, rows: expected.map((field) => ({ kind: 'same', key: field.key, expected: field.value, got: field.value })), notes };
  if (/^\s*[{[]/.test(text)) notes.push('This looks like JSON: the signature covers the result values joined by ";", not the raw body.');

  const got = text === '' ? [] : text.split(';');
  const rows = alignValues(expected, got);
  explainRows(rows, expected);
  if (rows.some((row) => row.hint?.startsWith('This is the value of'))) {
    notes.push('Values appear in another order: sort the result keys by code point (A-Z before a-z) before joining.');
  }
  return { equal: false, rows, notes };
}

/** Pairs expected values with pasted ones along their longest common subsequence. */
function alignValues(expected: readonly SignField[], got: readonly string[]): SignDiffRow[] {
  const n = expected.length;
  const m = got.length;
  // lengths[i][j]: LCS length of expected[i..] and got[j..]
  const lengths: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i]![j] = expected[i]!.value === got[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const rows: SignDiffRow[] = [];
  let pendingExpected: SignField[] = [];
  let pendingGot: string[] = [];
  const flush = () => {
    const paired = Math.min(pendingExpected.length, pendingGot.length);
    for (let k = 0; k < paired; k++) rows.push({ kind: 'changed', key: pendingExpected[k]!.key, expected: pendingExpected[k]!.value, got: pendingGot[k]! });
    for (const field of pendingExpected.slice(paired)) rows.push({ kind: 'missing', key: field.key, expected: field.value });
    for (const value of pendingGot.slice(paired)) rows.push({ kind: 'extra', got: value });
    pendingExpected = [];
    pendingGot = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i]!.value === got[j]) {
      flush();
      rows.push({ kind: 'same', key: expected[i]!.key, expected: expected[i]!.value, got: got[j]! });
      i++;
      j++;
    } else if (j >= m || (i < n && lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      pendingExpected.push(expected[i]!);
      i++;
    } else {
      pendingGot.push(got[j]!);
      j++;
    }
  }
  flush();
  return rows;
}

function explainRows(rows: SignDiffRow[], expected: readonly SignField[]): void {
  for (const row of rows) {
    if (row.kind === 'same') continue;
    if (row.kind === 'missing') {
      row.hint = `Your string leaves out "${row.key}": miaPOS signs every field of result, so do not use a fixed field list.`;
      continue;
    }
    const got = row.got ?? '';
    const other = expected.find((field) => field.value === got && field.key !== row.key);
    if (row.kind === 'extra') {
      row.hint = got === 'null' || got === '' ? 'An empty or null value: miaPOS leaves null fields out of result, so skip them.'
        : other ? `This is the value of "${other.key}", placed elsewhere.` : 'Not a value of result: remove it.';
      continue;
    }
    const wanted = row.expected ?? '';
    if (row.key === 'amount' && formatAmountText(got) === wanted) {
      row.hint = `Write amount with exactly two decimals: ${wanted}, not ${got}.`;
    } else if (other) {
      row.hint = `This is the value of "${other.key}": the keys are not in sorted order.`;
    } else if (got.trim() === wanted.trim()) {
      row.hint = 'Differs only in spaces around the value.';
    } else if (got.toLowerCase() === wanted.toLowerCase()) {
      row.hint = 'Differs only in letter case.';
    } else if (got === 'null' || got === '') {
      row.hint = 'An empty or null value where a field was expected.';
    }
  }
}
