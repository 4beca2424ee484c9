// Measures one running target: throughput and latency under closed-loop load, p99 at a fixed rate, then
// (after the store has checkpointed) RSS and data-dir bytes; and the memory/disk model of a filled miahook.

import { runAutocannon, runNodeClient, type LoadResult } from './drive-load.ts';
import { readStoredBodies } from './stored-bytes.ts';
import { readRss, waitForSettledDir, type MiahookTarget, type Target } from './targets.ts';

export interface BenchConfig {
  /** Closed-loop run length, seconds (BENCH_SECONDS). */
  seconds: number;
  /** Warm-up before it (JIT, sockets), seconds (BENCH_WARMUP_SECONDS). */
  warmupSeconds: number;
  /** Fixed-rate run length, seconds (BENCH_RATE_SECONDS), at `rate` requests/s (BENCH_RATE). */
  rateSeconds: number;
  rate: number;
  /** Connections kept busy by autocannon (BENCH_CONNECTIONS). */
  connections: number;
}

export interface PerfRow {
  id: string;
  target: string;
  /** Which load generator measured req/s and p50/p99 under load. */
  client: 'autocannon' | 'node:http client';
  reqPerSec: number;
  p50: number;
  p99: number;
  rateP50: number;
  rateP99: number;
  failures: Record<string, number>;
  rssBytes: number;
  /** null when the target keeps nothing on disk. */
  dataDirBytes: number | null;
  /** False when the data dir was still changing at the deadline (the bytes are then a snapshot). */
  dataDirSettled: boolean | null;
  /** Captures held after the run (miahook rows). */
  stored: number | null;
}

export interface MemoryRow {
  id: string;
  target: string;
  captures: number;
  storedBodyBytes: number;
  /** RSS right after the process started, before any callback: the fixed part of the 100 MiB allowance. */
  startRssBytes: number;
  rssBytes: number;
  dataDirBytes: number;
  dataDirSettled: boolean;
  /** 2 x stored body bytes + 100 MiB, and RSS over it (PASS when <= 1). */
  rssLimitBytes: number;
  rssRatio: number;
  /** 2 x stored body bytes, and data-dir bytes over it (PASS when <= 1). */
  diskLimitBytes: number;
  diskRatio: number;
}

const MIB = 1024 * 1024;

function mergeFailures(...results: LoadResult[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const result of results) for (const [key, count] of Object.entries(result.failures)) merged[key] = (merged[key] ?? 0) + count;
  return merged;
}

/** Warm-up, closed-loop run, checkpoint, fixed-rate run, checkpoint, then RSS and data-dir bytes. */
export async function measurePerf(options: {
  id: string;
  label: string;
  target: Target;
  body: string;
  bodyFile: string;
  config: BenchConfig;
  client: PerfRow['client'];
  dataDir: string | null;
  countStored?: () => Promise<number>;
}): Promise<PerfRow> {
  const { target, body, bodyFile, config } = options;
  const closed = (seconds: number) => options.client === 'autocannon'
    ? runAutocannon(target.url, body, { connections: config.connections, seconds })
    : runNodeClient(target.url, bodyFile, { mode: 'closed', seconds, concurrency: config.connections });
  const settle = async () => (options.dataDir ? waitForSettledDir(options.dataDir) : null);
  if (config.warmupSeconds > 0) await closed(config.warmupSeconds);
  const load = await closed(config.seconds);
  await settle();
  const fixed = await runNodeClient(target.url, bodyFile, { mode: 'open', seconds: config.rateSeconds, rate: config.rate });
  const disk = await settle();
  return {
    id: options.id,
    target: options.label,
    client: options.client,
    reqPerSec: load.reqPerSec,
    p50: load.p50,
    p99: load.p99,
    rateP50: fixed.p50,
    rateP99: fixed.p99,
    failures: mergeFailures(load, fixed),
    rssBytes: await readRss(target.pid),
    dataDirBytes: disk?.bytes ?? null,
    dataDirSettled: disk?.settled ?? null,
    stored: options.countStored ? await options.countStored() : null,
  };
}

/** Fills a miahook with `count` copies of `body` (valid callbacks), as fast as it takes them, for at most `deadlineSeconds`. */
export async function fillStore(target: MiahookTarget, body: string, count: number, connections: number, deadlineSeconds: number): Promise<LoadResult> {
  return runAutocannon(target.url, body, { connections: Math.min(connections, count), amount: count, deadlineSeconds });
}

/** RSS, data dir (after its checkpoint) and stored body bytes of a filled miahook, against the model's targets. */
export async function measureMemory(id: string, label: string, target: MiahookTarget, dataDir: string, bodySize: number, startRssBytes: number): Promise<MemoryRow> {
  const disk = await waitForSettledDir(dataDir);
  // RSS first: paging the list below makes the process build answers, which would count against it.
  const rssBytes = await readRss(target.pid);
  const stored = await readStoredBodies(target, Math.max(1, Math.min(500, Math.floor((8 * MIB) / bodySize))));
  if (stored.listed !== stored.count) process.stderr.write(`  note: /api/status counts ${stored.count} captures, the list pages ${stored.listed}\n`);
  const rssLimitBytes = 2 * stored.bytes + 100 * MIB;
  const diskLimitBytes = 2 * stored.bytes;
  return {
    id,
    target: label,
    captures: stored.count,
    storedBodyBytes: stored.bytes,
    startRssBytes,
    rssBytes,
    dataDirBytes: disk.bytes,
    dataDirSettled: disk.settled,
    rssLimitBytes,
    rssRatio: rssBytes / rssLimitBytes,
    diskLimitBytes,
    diskRatio: disk.bytes / diskLimitBytes,
  };
}
