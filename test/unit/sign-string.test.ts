import { describe, expect, it } from 'vitest';
import { buildSignFields, buildSignString, compareCodePoints } from '../../shared/sign-string.ts';
import { parseRawJson, type RawJsonObject } from '../../shared/raw-json.ts';
import { VECTOR_RESULT, VECTOR_STRING } from '../helpers/keys.ts';

const raw = (text: string) => parseRawJson(text) as RawJsonObject;

describe('buildSignString', () => {
  it('produces the published vector exactly', () => {
    expect(buildSignString(raw(VECTOR_RESULT))).toBe(VECTOR_STRING);
  });

  it('gives the same string from a parsed object (amount formatted from the number)', () => {
    expect(buildSignString(JSON.parse(VECTOR_RESULT) as Record<string, unknown>)).toBe(VECTOR_STRING);
  });

  it.each([
    ['1775', '1775.00'],
    ['12.5', '12.50'],
    ['145.25', '145.25'],
    ['0.1', '0.10'],
    ['123456789012345', '123456789012345.00'],
    ['1.5e2', '150.00'],
  ])('formats amount %s from the JSON text as %s', (amount, expected) => {
    expect(buildSignString(raw(`{"amount":${amount},"currency":"MDL"}`))).toBe(`${expected};MDL`);
  });

  it('formats a 15-digit amount from its text, never through a float', () => {
    expect(buildSignString(raw('{"amount":9007199254740993.25}'))).toBe('9007199254740993.25');
  });

  it('sorts keys by code point: upper case before lower case', () => {
    const fields = buildSignFields(raw('{"b":"1","B":"2","a":"3","Z":"4","_":"5"}'));
    expect(fields.map((f) => f.key)).toEqual(['B', 'Z', '_', 'a', 'b']);
  });

  it('signs an unknown extra field like any other', () => {
    expect(buildSignString(raw('{"status":"SUCCESS","newField":"x","amount":1}'))).toBe('1.00;x;SUCCESS');
  });

  it('leaves missing optional fields out and skips null values', () => {
    expect(buildSignString(raw('{"orderId":"1","amount":2,"paymentDate":null}'))).toBe('2.00;1');
  });

  it('uses strings as they are: unicode, ";" and spaces included', () => {
    expect(buildSignString(raw('{"a":"Plată; comandă 7 ","b":"😀"}'))).toBe('Plată; comandă 7 ;😀');
  });

  it('orders by code point where UTF-16 order differs', () => {
    // U+FF61 sorts before U+1F600 by code point, after it by UTF-16 unit.
    expect(compareCodePoints('\uff61', '😀')).toBeLessThan(0);
    expect(['😀', '\uff61'].sort()).toEqual(['😀', '\uff61']);
    expect(buildSignString(raw('{"😀":"emoji","\uff61":"halfwidth"}'))).toBe('halfwidth;emoji');
  });
});
