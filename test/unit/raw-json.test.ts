import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseRawJson, stringifyRawJson } from '../../shared/raw-json.ts';

describe('parseRawJson', () => {
  it('keeps number literals and key order as received', () => {
    const value = parseRawJson('{"b":1.50,"a":1e2,"2":true,"1":null}');
    expect(value).toEqual({
      kind: 'object',
      entries: [
        ['b', { kind: 'number', raw: '1.50', value: 1.5 }],
        ['a', { kind: 'number', raw: '1e2', value: 100 }],
        ['2', { kind: 'boolean', value: true }],
        ['1', { kind: 'null' }],
      ],
    });
  });

  it('reads strings with escapes and unicode like JSON.parse', () => {
    const text = '{"s":"a;b \\"q\\" \\u0103\\u021b \\ud83d\\ude00 \\n","arr":[1,"x",{}]}';
    const value = parseRawJson(text);
    expect(JSON.parse(stringifyRawJson(value))).toEqual(JSON.parse(text));
  });

  it.each(['', '{', '{"a":}', '{"a":1,}', '[1 2]', '01', '{"a":1} x', "{'a':1}", '"\u0001"', 'nul'])('rejects %j', (text) => {
    expect(() => parseRawJson(text)).toThrow(JsonSyntaxError);
  });
});
