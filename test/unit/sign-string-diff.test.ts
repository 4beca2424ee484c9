// Unit tests for the field-by-field comparison of a developer's sign string with the canonical one.

import { describe, expect, it } from 'vitest';
import { buildSignFields } from '../../shared/sign-string.ts';
import { diffSignString } from '../../shared/sign-string-diff.ts';

const result = {
  terminalId: 'TRMW0001', orderId: '108', paymentId: '2a663962-c954-4984-90e5-1d24c3305f7b', status: 'EXPIRED',
  amount: 1775, currency: 'MDL', paymentType: 'qr', paymentDate: '2024-12-17T11:54:23',
};
const fields = buildSignFields(result);
const canonical = '1775.00;MDL;108;2024-12-17T11:54:23;2a663962-c954-4984-90e5-1d24c3305f7b;qr;EXPIRED;TRMW0001';

describe('diffSignString', () => {
  it('says equal for the canonical string, with every field labelled', () => {
    const diff = diffSignString(fields, canonical);
    expect(diff.equal).toBe(true);
    expect(diff.rows.map((row) => row.key)).toEqual(['amount', 'currency', 'orderId', 'paymentDate', 'paymentId', 'paymentType', 'status', 'terminalId']);
    expect(diff.rows.every((row) => row.kind === 'same')).toBe(true);
  });

  it('ignores a trailing line break but says so', () => {
    const diff = diffSignString(fields, `${canonical}\n`);
    expect(diff.equal).toBe(true);
    expect(diff.notes.join(' ')).toMatch(/line break/);
  });

  it('names an amount without two decimals', () => {
    const diff = diffSignString(fields, canonical.replace('1775.00', '1775'));
    expect(diff.equal).toBe(false);
    const changed = diff.rows.filter((row) => row.kind !== 'same');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ kind: 'changed', key: 'amount', expected: '1775.00', got: '1775' });
    expect(changed[0]!.hint).toMatch(/two decimals/);
  });

  it('reports a left-out field as missing without shifting the later ones', () => {
    const diff = diffSignString(fields, canonical.replace(';2024-12-17T11:54:23', ''));
    expect(diff.rows.filter((row) => row.kind !== 'same')).toEqual([
      expect.objectContaining({ kind: 'missing', key: 'paymentDate', expected: '2024-12-17T11:54:23' }),
    ]);
    expect(diff.rows.filter((row) => row.kind === 'same')).toHaveLength(7);
  });

  it('reports an extra null value', () => {
    const diff = diffSignString(fields, `${canonical};null`);
    const extra = diff.rows.find((row) => row.kind === 'extra');
    expect(extra).toMatchObject({ got: 'null' });
    expect(extra!.hint).toMatch(/null fields/);
  });

  it('spots values in received order instead of sorted order', () => {
    const received = buildSignFields(result, { order: 'received' }).map((field) => field.value).join(';');
    const diff = diffSignString(fields, received);
    expect(diff.equal).toBe(false);
    expect(diff.notes.join(' ')).toMatch(/sort the result keys/);
  });

  it('recognises a pasted raw body', () => {
    const diff = diffSignString(fields, JSON.stringify({ result }));
    expect(diff.equal).toBe(false);
    expect(diff.notes.join(' ')).toMatch(/looks like JSON/);
  });

  it('treats an empty paste as every field missing', () => {
    const diff = diffSignString(fields, '');
    expect(diff.rows).toHaveLength(fields.length);
    expect(diff.rows.every((row) => row.kind === 'missing')).toBe(true);
  });
});
