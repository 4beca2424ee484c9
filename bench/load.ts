// Load generator for the benchmark, run as its own process so it does not share a core's event loop with
// the server under test. Prints one JSON line: throughput and latency percentiles.

import http from 'node:http';

interface LoadArgs {
  url: string;
  body: string;
  /** 'closed': keep `concurrency` requests in flight; 'open': start one every 1000/rate ms. */
  mode: 'closed' | 'open';
  count: number;
  concurrency: number;
  rate: number;
}

const args = JSON.parse(process.argv[2]!) as LoadArgs;
const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(args.concurrency, 64) });
const target = new URL(args.url);
const body = Buffer.from(args.body);

function sendOne(): Promise<{ ms: number; status: number }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const request = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, status: response.statusCode ?? 0 }));
    });
    request.on('error', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, status: 0 }));
    request.end(body);
  });
}

async function runClosed(): Promise<Array<{ ms: number; status: number }>> {
  const results: Array<{ ms: number; status: number }> = [];
  let next = 0;
  await Promise.all(Array.from({ length: args.concurrency }, async () => {
    while (next < args.count) {
      next += 1;
      results.push(await sendOne());
    }
  }));
  return results;
}

async function runOpen(): Promise<Array<{ ms: number; status: number }>> {
  const pending: Array<Promise<{ ms: number; status: number }>> = [];
  const interval = 1000 / args.rate;
  const start = performance.now();
  for (let i = 0; i < args.count; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(sendOne());
  }
  return Promise.all(pending);
}

const started = performance.now();
const results = args.mode === 'closed' ? await runClosed() : await runOpen();
const seconds = (performance.now() - started) / 1000;
const latencies = results.map((result) => result.ms).sort((a, b) => a - b);
const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
process.stdout.write(`${JSON.stringify({
  requests: results.length,
  ok: results.filter((result) => result.status === 200).length,
  throughput: results.length / seconds,
  p50: pick(0.5),
  p99: pick(0.99),
})}\n`);
agent.destroy();
