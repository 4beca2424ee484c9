// `npm run bench`: ingress throughput and ack latency of miahook (durable ack) side by side, in one run, with a
// bare node:http server that stores nothing (the limit) and mockttp recording the same requests (a peer),
// at 0 and 20,000 stored captures. Prints a table and writes bench/results.json.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLocal } from 'mockttp';
import { buildSignString } from '../shared/sign-string.ts';
import { parseArgs } from '../server/cli/parse-args.ts';
import { resolveConfig } from '../server/config/resolve-config.ts';
import { startMiahook, type MiahookInstance } from '../server/app/start-miahook.ts';

interface LoadResult { requests: number; ok: number; throughput: number; p50: number; p99: number }
interface Row { target: string; stored: number; throughput: number; p50: number; p99: number; ok: string }

const LOAD_SCRIPT = fileURLToPath(new URL('./load.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const THROUGHPUT_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 1000);

/** A ~1 KB callback signed by the emulator, so miahook verifies it as valid (the common case). */
function makeCallbackBody(signText: (text: string) => string): string {
  const result = { terminalId: 'TRMW0001', orderId: 'bench-1', paymentId: '2a663962-c954-4984-90e5-1d24c3305f7b', status: 'SUCCESS', amount: 1775, currency: 'MDL', paymentType: 'qr', paymentDate: '2026-10-05T22:13:42', swiftMessageId: 'SWIFT-1', swiftPayerBank: 'BANK', note: 'x'.repeat(420) };
  return `{"result":${JSON.stringify(result).replace('"amount":1775', '"amount":1775.00')},"signature":"${signText(buildSignString(result))}"}`;
}

function runLoad(url: string, body: string, mode: 'closed' | 'open'): Promise<LoadResult> {
  const args = mode === 'closed'
    ? { url, body, mode, count: THROUGHPUT_REQUESTS, concurrency: 32, rate: 0 }
    : { url, body, mode, count: LATENCY_REQUESTS, concurrency: 1, rate: 200 };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, LOAD_SCRIPT, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited ${code}`))));
  });
}

/** A warm-up run (the same for every target: JIT, sockets), then `prepare` sets the stored history, then the two runs. */
async function measure(target: string, url: string, body: string, prepare: () => Promise<number> = async () => 0, warm = { url, body }): Promise<Row> {
  await runLoad(warm.url, warm.body, 'closed');
  const stored = await prepare();
  const throughput = await runLoad(url, body, 'closed');
  const latency = await runLoad(url, body, 'open');
  return { target, stored, throughput: throughput.throughput, p50: latency.p50, p99: latency.p99, ok: `${throughput.ok + latency.ok}/${throughput.requests + latency.requests}` };
}

async function startBare(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function startMockttp(): Promise<{ url: string; close(): Promise<void> }> {
  const server = getLocal();
  await server.start();
  await server.forPost('/callback').thenReply(200, '{"received":true}', { 'content-type': 'application/json' });
  return { url: `${server.url}/callback`, close: () => server.stop() };
}

async function startTool(dataDir: string): Promise<MiahookInstance> {
  const config = resolveConfig(parseArgs(['--port', '0', '--ingress-port', '0', '--emulator-port', '0', '--rate-limit', '0', '--keep', '30000', '--data-dir', dataDir]), {}, {});
  return startMiahook(config, { log: () => {} });
}

async function seed(instance: MiahookInstance, count: number, body: string): Promise<void> {
  const template = instance.store.captures;
  const bytes = Buffer.from(body);
  for (let done = 0; done < count; done += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - done) }, (_, i) => template.append({
      id: `cap_seed_${done + i}`, receivedAt: new Date().toISOString(), channel: null, method: 'POST', url: '/callback',
      headers: [['Content-Type', 'application/json']], bodyBase64: bytes.toString('base64'), size: bytes.length,
      remoteAddress: '127.0.0.1', sender: '127.0.0.1', summary: { status: 'SUCCESS', amount: '1775.00', currency: 'MDL' }, payment: null,
      verification: { verdict: 'unverifiable', reason: 'seeded', canonical: null, fields: [], key: null, diagnosis: null },
    })));
  }
}

const dataDir = await mkdtemp(join(tmpdir(), 'miahook-bench-'));
const warmDir = await mkdtemp(join(tmpdir(), 'miahook-bench-warm-'));
const tool = await startTool(dataDir);
const body = makeCallbackBody((text) => tool.emulator.signText(text));
// The empty-store run warms up on a second instance, so the measured store really starts empty.
const warm = await startTool(warmDir);
const rows: Row[] = [];
const bare = await startBare();
rows.push(await measure('bare node:http (no storage, the limit)', bare.url, body));
await bare.close();
const mock = await startMockttp();
rows.push(await measure('mockttp (records in memory, a peer)', mock.url, body));
await mock.close();
rows.push(await measure('miahook ingress (durable ack)', tool.callbackUrl, body, async () => {
  await warm.close();
  return tool.store.captures.count();
}, { url: warm.callbackUrl, body: makeCallbackBody((text) => warm.emulator.signText(text)) }));
rows.push(await measure('miahook ingress (durable ack)', tool.callbackUrl, body, async () => {
  await seed(tool, 20_000 - tool.store.captures.count(), body);
  return tool.store.captures.count();
}));
await tool.close();
await rm(dataDir, { recursive: true, force: true });
await rm(warmDir, { recursive: true, force: true });

const [bareRow, mockRow, emptyRow, fullRow] = rows as [Row, Row, Row, Row];
const checks = {
  'throughput >= half of bare node:http': emptyRow.throughput >= bareRow.throughput / 2,
  'throughput ahead of mockttp': emptyRow.throughput > mockRow.throughput,
  'p99 < 10 ms at 200 req/s': emptyRow.p99 < 10,
  'median ack at 20k stored within 2x of empty': fullRow.p50 <= emptyRow.p50 * 2,
};
const table = [
  '| target | stored | req/s (32 in flight) | p50 ms @200/s | p99 ms @200/s | 200 OK |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows.map((row) => `| ${row.target} | ${row.stored} | ${row.throughput.toFixed(0)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.ok} |`),
  '',
  `history ratio (p50 at 20k / p50 at 0): ${(fullRow.p50 / emptyRow.p50).toFixed(2)}`,
  ...Object.entries(checks).map(([name, ok]) => `${ok ? 'PASS' : 'FAIL'}  ${name}`),
].join('\n');
process.stdout.write(`${table}\n`);
await writeFile(fileURLToPath(new URL('./results.json', import.meta.url)), `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, rows, checks }, null, 2)}\n`);
