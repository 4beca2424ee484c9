import { describe, expect, it } from 'vitest';
import { formatAmountNumber, formatAmountText } from '../../shared/amount.ts';

describe('formatAmountText', () => {
  it.each([
    ['1775', '1775.00'],
    ['12.5', '12.50'],
    ['145.25', '145.25'],
    ['0.1', '0.10'],
    ['1775.00', '1775.00'],
    ['123456789012345', '123456789012345.00'],
    ['1234567890123.45', '1234567890123.45'],
    ['9999999999999.99', '9999999999999.99'],
    ['1.5e2', '150.00'],
    ['1.5E+2', '150.00'],
    ['15e-1', '1.50'],
    ['0', '0.00'],
    ['0.005', '0.01'],
    ['12.345', '12.35'],
    ['12.344', '12.34'],
    ['9.995', '10.00'],
    ['-3.5', '-3.50'],
    ['007.5', '7.50'],
    ['-0', '0.00'],
    ['-0.0', '0.00'],
    ['-0.001', '0.00'],
    ['-0.004', '0.00'],
    ['-0.005', '-0.01'],
    ['-0e5', '0.00'],
  ])('%s -> %s', (text, expected) => {
    expect(formatAmountText(text)).toBe(expected);
  });

  it('keeps every digit of a 15-digit amount a float would change', () => {
    const text = '9007199254740993.25';
    expect(Number(text).toFixed(2)).not.toBe('9007199254740993.25');
    expect(formatAmountText(text)).toBe('9007199254740993.25');
  });

  it('refuses an exponent beyond 10,000 before building its digits (1e400000000 would be a 400 MB string)', () => {
    expect(formatAmountText('1e10000')).toHaveLength(10_004);
    expect(formatAmountText('1e-10000')).toBe('0.00');
    expect(formatAmountText('1e10001')).toBeNull();
    expect(formatAmountText('1e-10001')).toBeNull();
    expect(formatAmountText('1e400000000')).toBeNull();
    expect(formatAmountText('1e99999999999999999999')).toBeNull();
  });

  it('refuses text that is not a number', () => {
    expect(formatAmountText('12,5')).toBeNull();
    expect(formatAmountText('abc')).toBeNull();
    expect(formatAmountText('')).toBeNull();
  });
});

describe('formatAmountNumber', () => {
  it('formats from the number when there is no text', () => {
    expect(formatAmountNumber(1775)).toBe('1775.00');
    expect(formatAmountNumber(12.5)).toBe('12.50');
    expect(formatAmountNumber(0.1)).toBe('0.10');
    expect(formatAmountNumber(Number.NaN)).toBeNull();
    expect(formatAmountNumber(-0)).toBe('0.00');
    expect(formatAmountNumber(-0.001)).toBe('0.00');
    expect(formatAmountNumber(Number.POSITIVE_INFINITY)).toBeNull();
  });
});
