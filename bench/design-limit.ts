// Benchmark target: the design limit of miahook's ingress. One thread does the same essential work per callback:
// read the body, parse it, build the canonical string, RSA-verify it (node:crypto), append one line to a journal
// with group commit (one write in flight; lines that arrive meanwhile are concatenated into the next write) and
// answer only after the write holding its line has returned. Nothing else: no index, no retention, no events.
// Run as its own process with BENCH_PUBLIC_KEY (PEM) and BENCH_DATA_DIR; prints {"url": ...} on its first stdout line.

import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildSignFields, joinSignFields } from '../shared/sign-string.ts';
import { readCallback } from '../server/signature/read-callback.ts';

const MAX_BODY = 2 * 1024 * 1024;
const key = createPublicKey(process.env.BENCH_PUBLIC_KEY ?? '');
const journal = await open(join(process.env.BENCH_DATA_DIR ?? '.', 'journal.jsonl'), 'a', 0o600);
let lines: string[] = [];
let waiters: Array<() => void> = [];
let writing = false;

/** Resolves once a write holding the line has returned (page cache: survives kill -9, like miahook's journal). */
function appendLine(line: string): Promise<void> {
  return new Promise((resolve) => {
    lines.push(`${line}\n`);
    waiters.push(resolve);
    if (writing) return;
    writing = true;
    // A microtask later, so that lines appended in the same turn share the first write.
    queueMicrotask(() => void writeQueued());
  });
}

async function writeQueued(): Promise<void> {
  while (lines.length > 0) {
    const bytes = Buffer.from(lines.join(''), 'utf8');
    const done = waiters;
    lines = [];
    waiters = [];
    for (let offset = 0; offset < bytes.length;) offset += (await journal.write(bytes, offset, bytes.length - offset)).bytesWritten;
    for (const resolve of done) resolve();
  }
  writing = false;
}

/** Parse, canonical string, RSA-SHA256 verify: the verdict miahook computes for every capture. */
function judgeBody(body: Buffer): 'valid' | 'invalid' | 'unverifiable' {
  const reading = readCallback(body);
  if ('problem' in reading) return 'unverifiable';
  const canonical = joinSignFields(buildSignFields(reading.result));
  return verify('RSA-SHA256', Buffer.from(canonical, 'utf8'), key, Buffer.from(reading.signature, 'base64')) ? 'valid' : 'invalid';
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  request.on('end', () => {
    if (size > MAX_BODY) return void response.writeHead(413).end();
    const body = Buffer.concat(chunks);
    const receivedAt = new Date().toISOString();
    const id = randomUUID();
    const line = JSON.stringify({ id, receivedAt, method: request.method, url: request.url, headers: request.rawHeaders, bodyBase64: body.toString('base64'), size, verdict: judgeBody(body) });
    void appendLine(line).then(() => {
      const answer = `{"received":true,"id":"${id}"}`;
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      response.end(answer);
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback` })}\n`);
});
process.on('SIGTERM', () => server.close(() => void journal.close().then(() => process.exit(0))));
