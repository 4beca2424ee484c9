import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HeaderPair } from '../../shared/records.ts';
import { buildCurlCommand, quoteShell } from '../../ui/src/lib/curl.ts';
import { startMerchantApp, type MerchantApp } from '../helpers/merchant-app.ts';

/** The copy-as-curl builder the inspector uses (shared/curl.ts through the browser's decoder), fed raw bytes. */
const buildCurl = (request: { url: string; method: string; headers: HeaderPair[]; body: Buffer }) =>
  buildCurlCommand({ url: request.url, method: request.method, headers: request.headers, bodyBase64: request.body.toString('base64') });

const CURL_PATHS = ['/usr/bin/curl', '/bin/curl', '/usr/local/bin/curl'];

let app: MerchantApp;
beforeAll(async () => {
  app = await startMerchantApp();
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => {
  app.requests.length = 0;
});

const CAPTURED: HeaderPair[] = [
  ['Host', 'abc.loca.lt'],
  ['User-Agent', 'Apache-HttpClient/4.5.14 (Java/17)'],
  ['Content-Type', 'application/json'],
  ['X-Quote', `it's "quoted" $HOME \`id\``],
  ['X-Empty', ''],
  ['Connection', 'keep-alive'],
  ['Content-Length', '1'],
];

/** Feeds the command to /bin/sh on stdin (as a pasted line would be read; no argv size limit), returns what the app got. */
async function runCurl(command: string) {
  if (!CURL_PATHS.some((path) => existsSync(path))) {
    throw new Error(`No curl at ${CURL_PATHS.join(', ')}: install Debian's package (apt-get install -y curl); these tests run the copied command for real.`);
  }
  const child = spawn('/bin/sh', ['-s'], { stdio: ['pipe', 'ignore', 'pipe'], timeout: 10_000 });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(`${command}\n`);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code, stderr).toBe(0);
  expect(app.requests).toHaveLength(1);
  return app.requests[0]!;
}

const sentHeaders = (headers: HeaderPair[]) => headers.filter(([name]) => !['host', 'content-length'].includes(name.toLowerCase()));

describe('buildCurl reproduces the exact request with /bin/sh and curl', () => {
  it.each([
    ['JSON', Buffer.from('{"result":{"status":"SUCCESS","amount":1775.00},"signature":"a+b/c="}')],
    ['shell metacharacters', Buffer.from(`it's "$HOME" \`id\` $(whoami) \\n \\' '' ! *\nline 2\n\n@end ${'ț'}`)],
    ['a body starting with @', Buffer.from('@/etc/passwd')],
    ['binary bytes', Buffer.concat([Buffer.from([0, 0xff, 0x0d, 0x0a, 0x09, 0x27]), randomBytes(2000)])],
    ['a tab and CR', Buffer.from('a\tb\r\nc')],
    ['a large text body', Buffer.from('x'.repeat(100_000))],
  ])('%s', async (_label, body) => {
    const received = await runCurl(buildCurl({ url: `${app.url}/cb/a?b=1&c[0]={x}`, method: 'POST', headers: CAPTURED, body }));
    expect(received.body.equals(body)).toBe(true);
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/cb/a?b=1&c[0]={x}');
    expect(sentHeaders(received.headers)).toEqual([
      ['User-Agent', 'Apache-HttpClient/4.5.14 (Java/17)'],
      ['Content-Type', 'application/json'],
      ['X-Quote', `it's "quoted" $HOME \`id\``],
      ['X-Empty', ''],
    ]);
    expect(received.headers).toContainEqual(['Content-Length', String(body.length)]);
  });

  it('keeps the method and adds none of curl\'s own headers', async () => {
    const received = await runCurl(buildCurl({ url: `${app.url}/x`, method: 'PUT', headers: [['X-Only', '1']], body: Buffer.from('a=b') }));
    expect(received.method).toBe('PUT');
    expect(sentHeaders(received.headers)).toEqual([['X-Only', '1']]);
    expect(received.body.toString()).toBe('a=b');
  });

  it('sends an empty GET', async () => {
    const received = await runCurl(buildCurl({ url: `${app.url}/health`, method: 'GET', headers: [['Accept', '*/*']], body: Buffer.alloc(0) }));
    expect(received.method).toBe('GET');
    expect(received.body.length).toBe(0);
  });
});

describe('buildCurl text', () => {
  it('puts plain text inline and binary through base64', () => {
    const text = buildCurl({ url: 'http://localhost:3000/cb', method: 'POST', headers: [['Content-Type', 'application/json']], body: Buffer.from('{"a":1}') });
    expect(text).toContain(`--data-raw '{"a":1}'`);
    expect(text).not.toContain('base64');
    const binary = buildCurl({ url: 'http://localhost:3000/cb', method: 'POST', headers: [], body: Buffer.from([0, 1, 2]) });
    expect(binary.startsWith(`printf '%s' 'AAEC' | base64 --decode | curl `)).toBe(true);
    expect(binary).toContain('--data-binary @-');
    expect(binary).toContain(`-H 'Content-Type:'`);
  });

  it('quotes for a POSIX shell', () => {
    expect(quoteShell(`a'b`)).toBe(`'a'\\''b'`);
  });
});
