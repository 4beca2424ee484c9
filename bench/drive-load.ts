// The two load generators of the benchmark: autocannon (in this process; each target runs in its own) for
// throughput and fills, and bench/load.ts (node:http, its own process) for mockttp and the fixed-rate run.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export interface LoadResult {
  /** Requests answered (any status) or failed. */
  requests: number;
  /** 2xx answers. */
  ok: number;
  /** 2xx answers per second. */
  reqPerSec: number;
  /** Milliseconds, over 2xx answers (autocannon: whole milliseconds). */
  p50: number;
  p99: number;
  /** What was not a 2xx answer, e.g. {"429": 3, "errors": 1, "timeouts": 1}; empty when all were. */
  failures: Record<string, number>;
}

const HEADERS = { 'content-type': 'application/json' };

/**
 * Closed-loop load: `connections` keep-alive connections, each sending as soon as its previous answer arrived,
 * for `seconds` or until `amount` requests were answered (then stopped anyway after `deadlineSeconds`).
 */
export async function runAutocannon(url: string, body: string, options: { connections: number; seconds?: number; amount?: number; deadlineSeconds?: number }): Promise<LoadResult> {
  const run = autocannon({ url, method: 'POST', headers: HEADERS, body, connections: options.connections, timeout: 30, ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 5 }) });
  const timer = options.deadlineSeconds ? setTimeout(() => run.stop(), options.deadlineSeconds * 1000) : undefined;
  let result: Awaited<typeof run>;
  try {
    result = await run;
  } finally {
    clearTimeout(timer);
  }
  const failures: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) if (!status.startsWith('2')) failures[status] = count;
  if (result.errors > 0) failures.errors = result.errors;
  return {
    requests: result['2xx'] + result.non2xx + result.errors,
    ok: result['2xx'],
    reqPerSec: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures,
  };
}

const LOAD_SCRIPT = fileURLToPath(new URL('./load.ts', import.meta.url));

/**
 * bench/load.ts in its own process: 'closed' keeps `concurrency` in flight, 'open' starts `rate` requests a second.
 * A request unanswered after 30 s is given up and counted as a timeout, with its 30 s in the percentiles.
 */
export function runNodeClient(url: string, bodyFile: string, options: { mode: 'closed' | 'open'; seconds: number; concurrency?: number; rate?: number }): Promise<LoadResult> {
  const args = { url, bodyFile, mode: options.mode, seconds: options.seconds, concurrency: options.concurrency ?? 1, rate: options.rate ?? 0, timeoutMs: 30_000 };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), LOAD_SCRIPT, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench/load.ts exited ${code}`));
      resolve(JSON.parse(out) as LoadResult);
    });
  });
}
