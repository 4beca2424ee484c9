// A node:http keep-alive load generator, run as its own process. Used where autocannon does not fit: mockttp
// (autocannon gets no answer from it here) and the fixed-rate latency run (autocannon's rate limit sends each
// second's quota in a burst; this one starts a request every 1000/rate ms, whatever the answers do: open loop).
// Tops out near 8k req/s on this machine, far above 200 req/s. Prints one JSON line.

import http from 'node:http';
import { readFileSync } from 'node:fs';

interface LoadArgs {
  url: string;
  /** File holding the request body. */
  bodyFile: string;
  /** 'closed': keep `concurrency` requests in flight for `seconds`; 'open': start one every 1000/rate ms for `seconds`. */
  mode: 'closed' | 'open';
  seconds: number;
  concurrency: number;
  rate: number;
}

interface Sample {
  ms: number;
  status: number;
}

const args = JSON.parse(process.argv[2]!) as LoadArgs;
const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(args.concurrency, 64) });
const target = new URL(args.url);
const body = readFileSync(args.bodyFile);

function sendOne(): Promise<Sample> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const done = (status: number) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, status });
    const request = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (response) => {
      response.resume();
      response.on('end', () => done(response.statusCode ?? 0));
    });
    request.on('error', () => done(0));
    request.end(body);
  });
}

async function runClosed(): Promise<Sample[]> {
  const samples: Sample[] = [];
  const deadline = performance.now() + args.seconds * 1000;
  await Promise.all(Array.from({ length: args.concurrency }, async () => {
    while (performance.now() < deadline) samples.push(await sendOne());
  }));
  return samples;
}

async function runOpen(): Promise<Sample[]> {
  const pending: Array<Promise<Sample>> = [];
  const interval = 1000 / args.rate;
  const count = Math.round(args.rate * args.seconds);
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(sendOne());
  }
  return Promise.all(pending);
}

const started = performance.now();
const samples = args.mode === 'closed' ? await runClosed() : await runOpen();
const seconds = (performance.now() - started) / 1000;
const ok = samples.filter((sample) => sample.status >= 200 && sample.status < 300);
const latencies = ok.map((sample) => sample.ms).sort((a, b) => a - b);
const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
process.stdout.write(`${JSON.stringify({ requests: samples.length, ok: ok.length, reqPerSec: ok.length / seconds, p50: pick(0.5), p99: pick(0.99) })}\n`);
agent.destroy();
