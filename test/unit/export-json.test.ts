import { describe, expect, it } from 'vitest';
import type { Capture, Delivery } from '../../shared/records.ts';
import { buildJsonExport, ExportFormatError, readJsonExport } from '../../server/export/json-export.ts';
import { verifyCallback } from '../../server/signature/verify.ts';
import { makeKeyPair, signCallbackText, VECTOR_RESULT } from '../helpers/keys.ts';

const pair = makeKeyPair('emulator');
const body = Buffer.from(signCallbackText(VECTOR_RESULT, pair.privateKey));

const capture: Capture = {
  id: 'cap_1',
  seq: 7,
  receivedAt: '2026-10-05T19:13:42.000Z',
  channel: 'shop',
  method: 'POST',
  url: '/callback/shop',
  headers: [['Host', 'abc.loca.lt'], ['Content-Type', 'application/json'], ['X-Dup', '1'], ['X-Dup', '2']],
  bodyBase64: body.toString('base64'),
  size: body.length,
  remoteAddress: '127.0.0.1',
  sender: '203.0.113.7',
  verification: verifyCallback(new Uint8Array(body), [pair.publicKey]),
  summary: { status: 'EXPIRED', orderId: '108', amount: '1775.00', currency: 'MDL' },
  payment: null,
};

const delivery: Delivery = {
  id: 'del_1',
  seq: 3,
  kind: 'replay',
  captureId: 'cap_1',
  target: 'http://localhost:3000/cb',
  startedAt: '2026-10-05T19:14:00.000Z',
  durationMs: 12,
  request: { method: 'POST', headers: [['Content-Type', 'application/json']], bodyBase64: body.toString('base64'), edited: true, preset: 'tampered-amount' },
  response: { status: 302, headers: [['Location', '/x']], bodyBase64: '', truncated: false },
  error: null,
};

const failed: Delivery = { ...delivery, id: 'del_2', seq: 4, kind: 'forward', response: null, error: 'timeout after 60000 ms' };

describe('JSON export', () => {
  it('round-trips captures and deliveries', () => {
    const exported = buildJsonExport([capture], [delivery, failed], { now: new Date('2026-10-06T00:00:00Z') });
    expect(exported).toMatchObject({ format: 'miahook-export', version: 1, exportedAt: '2026-10-06T00:00:00.000Z' });
    const read = readJsonExport(JSON.stringify(exported, null, 2));
    expect(read).toEqual({ captures: [capture], deliveries: [delivery, failed] });
    expect(Buffer.from(read.captures[0]!.bodyBase64, 'base64').equals(body)).toBe(true);
  });

  const valid = () => JSON.parse(JSON.stringify(buildJsonExport([capture], [delivery]))) as Record<string, any>;

  it.each<[string, (data: Record<string, any>) => unknown, RegExp]>([
    ['not JSON', () => undefined, /not JSON/],
    ['another format', (data) => ({ ...data, format: 'har' }), /not a miahook export .*"har"/],
    ['a HAR file', () => ({ log: { version: '1.2' } }), /not a miahook export/],
    ['a newer version', (data) => ({ ...data, version: 2 }), /version 2; this miahook reads version 1/],
    ['captures missing', (data) => ({ ...data, captures: undefined }), /captures is missing, expected an array/],
    ['a capture id that is a number', (data) => (data.captures[0].id = 5, data), /captures\[0\]\.id is a number, expected a string/],
    ['a header that is not a pair', (data) => (data.captures[0].headers[2] = ['X-Dup'], data), /captures\[0\]\.headers\[2\] is an array, expected a \[name, value\] pair/],
    ['a body that is not base64', (data) => (data.captures[0].bodyBase64 = 'not base64!', data), /captures\[0\]\.bodyBase64 is not base64/],
    ['a size that does not match', (data) => (data.captures[0].size = 1, data), /captures\[0\]\.size is 1, but the body holds \d+ bytes/],
    ['an unknown delivery kind', (data) => (data.deliveries[0].kind = 'teleport', data), /deliveries\[0\]\.kind is "teleport", expected one of/],
    ['a response without status', (data) => (delete data.deliveries[0].response.status, data), /deliveries\[0\]\.response\.status is missing, expected a number/],
  ])('refuses %s, naming the field', (_label, damage, message) => {
    const damaged = damage(valid());
    const text = damaged === undefined ? '{not json' : JSON.stringify(damaged);
    expect(() => readJsonExport(text)).toThrow(ExportFormatError);
    expect(() => readJsonExport(text)).toThrow(message);
  });
});
