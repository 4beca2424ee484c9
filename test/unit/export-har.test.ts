import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capture, Delivery } from '../../shared/records.ts';
import { buildHar } from '../../server/export/har.ts';
import { sendRequest } from '../../server/replay/send-request.ts';
import { verifyCallback } from '../../server/signature/verify.ts';
import { makeKeyPair, signCallbackText, VECTOR_RESULT } from '../helpers/keys.ts';
import { startMerchantApp, type MerchantApp } from '../helpers/merchant-app.ts';

const pair = makeKeyPair('emulator');
const JSON_BODY = Buffer.from(signCallbackText(VECTOR_RESULT, pair.privateKey));
const BINARY_BODY = Buffer.concat([Buffer.from([0xff, 0x00, 0xfe]), randomBytes(64)]);

let app: MerchantApp;
beforeAll(async () => {
  app = await startMerchantApp((request) => (request.url === '/old'
    ? { redirect: '/new' }
    : { status: 200, headers: [['Content-Type', 'application/json']], body: '{"ok":true}' }));
});
afterAll(async () => {
  await app.close();
});

function makeCapture(id: string, seq: number, body: Buffer, extra: Partial<Capture> = {}): Capture {
  return {
    id,
    seq,
    receivedAt: new Date(Date.UTC(2020, 9, 5, 19, 13, seq)).toISOString(),
    channel: null,
    method: 'POST',
    url: '/callback/shop?attempt=1&x=%20y',
    headers: [['Host', 'abc.loca.lt'], ['Content-Type', 'application/json'], ['X-Forwarded-Proto', 'https']],
    bodyBase64: body.toString('base64'),
    size: body.length,
    remoteAddress: '127.0.0.1',
    sender: '203.0.113.7',
    verification: verifyCallback(new Uint8Array(body), [pair.publicKey]),
    summary: {},
    payment: null,
    ...extra,
  };
}

async function makeDelivery(id: string, capture: Capture, target: string, timeoutMs?: number): Promise<Delivery> {
  const sent = await sendRequest({ target, method: capture.method, headers: capture.headers, body: Buffer.from(capture.bodyBase64, 'base64'), policy: { allowHosts: [] }, timeoutMs });
  return { id, seq: 1, kind: 'replay', captureId: capture.id, ...sent };
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks a HAR 1.2 log: required fields and their types; unknown fields must start with "_" (or be "comment"). */
function validateHar(har: unknown): string[] {
  const errors: string[] = [];
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  const object = (value: unknown, path: string, fields: Record<string, string>, optional: Record<string, string> = {}) => {
    if (!isObject(value)) return void errors.push(`${path} is not an object`);
    for (const [key, type] of Object.entries(fields)) check(value[key], `${path}.${key}`, type);
    for (const [key, type] of Object.entries(optional)) if (value[key] !== undefined) check(value[key], `${path}.${key}`, type);
    for (const key of Object.keys(value)) {
      if (!(key in fields) && !(key in optional) && key !== 'comment' && !key.startsWith('_')) errors.push(`${path}.${key} is not a HAR 1.2 field`);
    }
  };
  const check = (value: unknown, path: string, type: string) => {
    if (type === 'array') { if (!Array.isArray(value)) errors.push(`${path} is not an array`); }
    else if (type === 'object') { if (!isObject(value)) errors.push(`${path} is not an object`); }
    else if (type === 'date') { if (typeof value !== 'string' || !ISO_8601.test(value)) errors.push(`${path} is not an ISO 8601 date`); }
    else if (typeof value !== type) errors.push(`${path} is not a ${type}`);
  };
  const nameValues = (value: unknown, path: string) => {
    if (Array.isArray(value)) value.forEach((item, i) => object(item, `${path}[${i}]`, { name: 'string', value: 'string' }));
  };
  if (!isObject(har)) return ['the HAR is not an object'];
  object(har, 'root', { log: 'object' });
  const log = har.log;
  if (!isObject(log)) return errors;
  object(log, 'log', { version: 'string', creator: 'object', entries: 'array' }, { browser: 'object', pages: 'array' });
  if (log.version !== '1.2') errors.push('log.version is not 1.2');
  object(log.creator, 'log.creator', { name: 'string', version: 'string' });
  (log.entries as unknown[]).forEach((entry, i) => {
    const path = `log.entries[${i}]`;
    object(entry, path, { startedDateTime: 'date', time: 'number', request: 'object', response: 'object', cache: 'object', timings: 'object' },
      { pageref: 'string', serverIPAddress: 'string', connection: 'string' });
    if (!isObject(entry)) return;
    const request = isObject(entry.request) ? entry.request : {};
    object(request, `${path}.request`, { method: 'string', url: 'string', httpVersion: 'string', cookies: 'array', headers: 'array', queryString: 'array', headersSize: 'number', bodySize: 'number' }, { postData: 'object' });
    try { new URL(request.url as string); } catch { errors.push(`${path}.request.url is not absolute`); }
    nameValues(request.headers, `${path}.request.headers`);
    nameValues(request.queryString, `${path}.request.queryString`);
    if (request.postData !== undefined) object(request.postData, `${path}.request.postData`, { mimeType: 'string' }, { text: 'string', params: 'array' });
    const response = isObject(entry.response) ? entry.response : {};
    object(response, `${path}.response`, { status: 'number', statusText: 'string', httpVersion: 'string', cookies: 'array', headers: 'array', content: 'object', redirectURL: 'string', headersSize: 'number', bodySize: 'number' });
    nameValues(response.headers, `${path}.response.headers`);
    object(response.content, `${path}.response.content`, { size: 'number', mimeType: 'string' }, { compression: 'number', text: 'string', encoding: 'string' });
    const timings = isObject(entry.timings) ? entry.timings : {};
    object(timings, `${path}.timings`, { send: 'number', wait: 'number', receive: 'number' }, { blocked: 'number', dns: 'number', connect: 'number', ssl: 'number' });
    for (const key of ['send', 'wait', 'receive']) if ((timings[key] as number) < 0) errors.push(`${path}.timings.${key} is negative`);
    const sum = ['blocked', 'dns', 'connect', 'send', 'wait', 'receive'].reduce((total, key) => total + Math.max(0, (timings[key] as number | undefined) ?? 0), 0);
    if (sum !== entry.time) errors.push(`${path}.time is not the sum of its timings`);
  });
  return errors;
}

describe('buildHar', () => {
  it('the validator catches a broken HAR', () => {
    expect(validateHar({ log: { version: '1.1', creator: {}, entries: [{ time: 'x' }] } }).length).toBeGreaterThan(3);
  });

  it('writes a valid HAR 1.2 log: each capture, then its deliveries with their real answers', async () => {
    const json = makeCapture('c1', 1, JSON_BODY);
    const binary = makeCapture('c2', 2, BINARY_BODY, { headers: [['Host', '127.0.0.1:4601'], ['Content-Type', 'application/octet-stream']], url: '/callback' });
    const deliveries: Record<string, Delivery[]> = {
      c1: [await makeDelivery('d1', json, `${app.url}/hook`), await makeDelivery('d2', json, `${app.url}/old`)],
      c2: [await makeDelivery('d3', binary, 'http://169.254.169.254/')],
    };
    const har = buildHar([json, binary], (id) => deliveries[id] ?? [], { version: '0.1.0' });
    expect(validateHar(har)).toEqual([]);
    const entries = har.log.entries;
    // Sorted by start time: both captures (2020) come before the deliveries made now.
    expect(entries.map((entry) => entry._miahook.id)).toEqual(['c1', 'c2', 'd1', 'd2', 'd3']);
    expect(har.log.creator).toEqual({ name: 'miahook', version: '0.1.0' });

    const capture = entries.find((entry) => entry._miahook.id === 'c1')!;
    expect(capture.request.url).toBe('https://abc.loca.lt/callback/shop?attempt=1&x=%20y');
    expect(capture.request.queryString).toEqual([{ name: 'attempt', value: '1' }, { name: 'x', value: ' y' }]);
    expect(capture.request.postData).toEqual({ mimeType: 'application/json', text: JSON_BODY.toString() });
    expect(capture.request.bodySize).toBe(JSON_BODY.length);
    expect(capture.response.status).toBe(0);
    expect(capture._miahook.verdict).toBe('valid');

    const binaryEntry = entries.find((entry) => entry._miahook.id === 'c2')!;
    expect(binaryEntry.request.url).toBe('http://127.0.0.1:4601/callback');
    expect(binaryEntry.request.postData?._encoding).toBe('base64');
    expect(Buffer.from(binaryEntry.request.postData!.text, 'base64').equals(BINARY_BODY)).toBe(true);

    const replay = entries.find((entry) => entry._miahook.id === 'd1')!;
    expect(replay.request.url).toBe(`${app.url}/hook`);
    expect(replay.request.postData?.text).toBe(JSON_BODY.toString());
    expect(replay.response).toMatchObject({ status: 200, statusText: 'OK', content: { mimeType: 'application/json', text: '{"ok":true}', size: 11 } });
    expect(replay.time).toBe(deliveries.c1![0]!.durationMs);

    const redirect = entries.find((entry) => entry._miahook.id === 'd2')!;
    expect(redirect.response).toMatchObject({ status: 302, redirectURL: '/new' });

    const refused = entries.find((entry) => entry._miahook.id === 'd3')!;
    expect(refused.response.status).toBe(0);
    expect(refused.response.comment).toMatch(/^forbidden target/);
  });

  it('survives a JSON round trip (what the export endpoint sends)', () => {
    const har = buildHar([makeCapture('c1', 1, JSON_BODY)], () => [], { version: 'x' });
    expect(validateHar(JSON.parse(JSON.stringify(har)))).toEqual([]);
  });
});
