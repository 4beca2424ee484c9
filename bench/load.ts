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
  /** A request unanswered after this long is given up: status 'timeout', its time counted in the percentiles. */
  timeoutMs: number;
}

interface Sample {
  ms: number;
  /** HTTP status, 'timeout', or 'error' (connection failed). */
  status: number | 'timeout' | 'error';
}

const args = JSON.parse(process.argv[2]!) as LoadArgs;
const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(args.concurrency, 64) });
const target = new URL(args.url);
const body = readFileSync(args.bodyFile);

function sendOne(): Promise<Sample> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let settled = false;
    const done = (status: Sample['status']) => {
      if (settled) return;
      settled = true;
      resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, status });
    };
    const request = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (response) => {
      response.resume();
      response.on('end', () => done(response.statusCode ?? 0));
    });
    request.setTimeout(args.timeoutMs, () => {
      done('timeout');
      request.destroy();
    });
    request.on('error', () => done('error'));
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
const isOk = (sample: Sample) => typeof sample.status === 'number' && sample.status >= 200 && sample.status < 300;
const ok = samples.filter(isOk).length;
// Latency over the answered 2xx and the given-up requests (a server too slow to answer must not look fast).
const latencies = samples.filter((sample) => isOk(sample) || sample.status === 'timeout').map((sample) => sample.ms).sort((a, b) => a - b);
const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
const failures: Record<string, number> = {};
for (const sample of samples) if (!isOk(sample)) failures[String(sample.status)] = (failures[String(sample.status)] ?? 0) + 1;
process.stdout.write(`${JSON.stringify({ requests: samples.length, ok, reqPerSec: ok / seconds, p50: pick(0.5), p99: pick(0.99), failures })}\n`);
agent.destroy();
