// The UI's copy-as-curl command, run by a real shell against a real server: the server receives the exact bytes.

import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCurlCommand, quoteShell } from '../../ui/src/lib/curl.ts';

const run = promisify(execFile);

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['rawHeaders'];
  body: Buffer;
}

let server: Server;
let baseUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.rawHeaders, body: Buffer.concat(chunks) });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function runCommand(command: string): Promise<Received> {
  const before = received.length;
  await run('sh', ['-c', command], { timeout: 10_000 });
  expect(received.length).toBe(before + 1);
  return received.at(-1)!;
}

describe('buildCurlCommand', () => {
  it('sends the stored JSON bytes unchanged, amount literal included, with the captured headers', async () => {
    const body = Buffer.from('{"result":{"amount":1775.00,"orderId":"it\'s \\"108\\""},"signature":"YQ=="}\n');
    const command = buildCurlCommand({
      method: 'POST',
      url: `${baseUrl}/callback?x=1&y=2`,
      headers: [['Host', 'example.test'], ['Content-Type', 'application/json'], ['X-Quote', "it's"], ['Content-Length', '999'], ['Connection', 'close']],
      bodyBase64: body.toString('base64'),
    });
    // Plain UTF-8 text travels inline, single-quoted, so the developer can read and edit it.
    expect(command.startsWith('curl --globoff')).toBe(true);
    expect(command).toContain("--data-raw '{\"result\"");
    const got = await runCommand(command);
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/callback?x=1&y=2');
    expect(got.body.equals(body)).toBe(true);
    const names = got.headers.filter((_, index) => index % 2 === 0).map((name) => name.toLowerCase());
    expect(names).toContain('x-quote');
    expect(got.headers[got.headers.indexOf('X-Quote') + 1]).toBe("it's");
    expect(got.headers[got.headers.indexOf('Content-Type') + 1]).toBe('application/json');
    // Host and Content-Length come from the target and the real body, never from the capture.
    expect(got.headers[got.headers.findIndex((name) => name.toLowerCase() === 'content-length') + 1]).toBe(String(body.length));
  });

  it('sends binary bodies byte for byte', async () => {
    const body = Buffer.from(Array.from({ length: 512 }, (_, index) => (index * 37) % 256));
    const command = buildCurlCommand({ method: 'PUT', url: `${baseUrl}/bin`, headers: [['Content-Type', 'application/octet-stream']], bodyBase64: body.toString('base64') });
    expect(command).toContain('| base64 --decode | curl');
    const got = await runCommand(command);
    expect(got.method).toBe('PUT');
    expect(got.body.equals(body)).toBe(true);
  });

  it('leaves out the body pipe for an empty body', async () => {
    const command = buildCurlCommand({ method: 'GET', url: `${baseUrl}/empty`, headers: [], bodyBase64: '' });
    expect(command).not.toContain('base64');
    const got = await runCommand(command);
    expect(got.body.length).toBe(0);
  });

  it('quotes single quotes for a POSIX shell', async () => {
    const { stdout } = await run('sh', ['-c', `printf '%s' ${quoteShell("a'b\"c $HOME `x`")}`]);
    expect(stdout).toBe("a'b\"c $HOME `x`");
  });
});
