// Test helper: speaks HTTP/1.1 over a raw socket, so tests control header case, order and timing exactly.

import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  head: string;
  body: Buffer;
}

/** Sends the bytes, then reads until the server closes (send `Connection: close`). */
export function sendRaw(port: number, request: Buffer | string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(parseResponse(Buffer.concat(chunks))));
    socket.write(request);
  });
}

/** Opens a socket and writes a partial request; resolves the socket and a promise of when the server closes it. */
export function openSlowRequest(port: number, partial: string): Promise<{ socket: Socket; closed: Promise<Buffer> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(partial);
      resolve({ socket, closed });
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    const closed = new Promise<Buffer>((done) => socket.on('close', () => done(Buffer.concat(chunks))));
  });
}

function parseResponse(raw: Buffer): RawResponse {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, split === -1 ? raw.length : split).toString('latin1');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, body: split === -1 ? Buffer.alloc(0) : raw.subarray(split + 4) };
}

/** Builds a request with the headers exactly as given (name case and order kept). */
export function buildRawRequest(method: string, path: string, headers: Array<[string, string]>, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, ...headers.map(([name, value]) => `${name}: ${value}`), '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}
