// Turns the benchmark's rows into the printed tables and the issue-11 targets, each PASS/FAIL with its ratio.

import type { MemoryRow, PerfRow } from './measure.ts';

export interface Check {
  name: string;
  /** null when a row it needs was not run. */
  pass: boolean | null;
  detail: string;
}

const formatMB = (bytes: number | null) => (bytes === null ? '-' : (bytes / 1e6).toFixed(1));
const formatMs = (value: number) => (Number.isFinite(value) ? (value < 10 ? value.toFixed(2) : value.toFixed(0)) : '-');

function describeFailures(failures: Record<string, number>): string {
  const entries = Object.entries(failures);
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${count}x ${key}`).join(', ');
}

export function formatPerfTable(rows: readonly PerfRow[], rate: number, connections: number): string {
  if (rows.length === 0) return '(no throughput rows were run)';
  return [
    `| target | req/s (${connections} conn.) | p50 ms | p99 ms | p99 ms @${rate}/s | RSS MB | data dir MB | stored | not 2xx |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((row) => `| ${row.target}${row.client === 'autocannon' ? '' : ' [node:http client]'} | ${row.reqPerSec.toFixed(0)} | ${formatMs(row.p50)} | ${formatMs(row.p99)} | ${formatMs(row.rateP99)} | ${formatMB(row.rssBytes)} | ${formatMB(row.dataDirBytes)}${row.dataDirSettled === false ? ' (unsettled)' : ''} | ${row.stored ?? '-'} | ${describeFailures(row.failures)} |`),
  ].join('\n');
}

export function formatMemoryTable(rows: readonly MemoryRow[]): string {
  if (rows.length === 0) return '(no memory/disk rows were run)';
  return [
    '| model row | captures | stored body MB | RSS at start MB | RSS MB | RSS / (2 x stored + 100 MiB) | data dir MB | data dir / (2 x stored) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.target} | ${row.captures} | ${formatMB(row.storedBodyBytes)} | ${formatMB(row.startRssBytes)} | ${formatMB(row.rssBytes)} | ${row.rssRatio.toFixed(2)} | ${formatMB(row.dataDirBytes)}${row.dataDirSettled ? '' : ' (unsettled)'} | ${row.diskRatio.toFixed(2)} |`),
  ].join('\n');
}

/** The targets of issue 11, from the rows that were run. */
export function evaluateTargets(perf: readonly PerfRow[], memory: readonly MemoryRow[]): Check[] {
  const find = (id: string) => perf.find((row) => row.id === id);
  const design = find('design-limit');
  const empty = find('miahook-empty');
  const full = find('miahook-keep-10000');
  const checks: Check[] = [];
  const addRatioCheck = (name: string, base: PerfRow | undefined, factor: number) => {
    if (!full || !base) return checks.push({ name, pass: null, detail: 'not run' });
    const ratio = full.reqPerSec / base.reqPerSec;
    checks.push({ name, pass: ratio >= factor, detail: `${ratio.toFixed(2)}x (${full.reqPerSec.toFixed(0)} / ${base.reqPerSec.toFixed(0)} req/s)` });
  };
  addRatioCheck('full at --keep 10000: req/s >= 0.5 x the design-limit server', design, 0.5);
  addRatioCheck('full at --keep 10000: req/s >= 0.9 x miahook at an empty store', empty, 0.9);
  checks.push(full
    ? { name: 'full at --keep 10000: p99 < 10 ms at the fixed rate', pass: full.rateP99 < 10, detail: `${formatMs(full.rateP99)} ms` }
    : { name: 'full at --keep 10000: p99 < 10 ms at the fixed rate', pass: null, detail: 'not run' });
  for (const row of memory) {
    checks.push({ name: `${row.target}: RSS <= 2 x stored body bytes + 100 MiB`, pass: row.rssRatio <= 1, detail: `${row.rssRatio.toFixed(2)} (${formatMB(row.rssBytes)} MB of ${formatMB(row.rssLimitBytes)} MB)` });
    checks.push({ name: `${row.target}: data dir <= 2 x stored body bytes`, pass: row.diskRatio <= 1, detail: `${row.diskRatio.toFixed(2)} (${formatMB(row.dataDirBytes)} MB of ${formatMB(row.diskLimitBytes)} MB)` });
  }
  return checks;
}

/** The load generator is not the bottleneck when bare node:http goes well past every other target. */
export function checkSanity(perf: readonly PerfRow[]): Check {
  const bare = perf.find((row) => row.id === 'bare');
  const others = perf.filter((row) => row.id !== 'bare' && row.client === 'autocannon');
  if (!bare) return { name: 'sanity: bare node:http far above every other row', pass: null, detail: 'not run' };
  const fastest = Math.max(0, ...others.map((row) => row.reqPerSec));
  return {
    name: 'sanity: bare node:http >= 2 x the fastest other row (the load generator is not the limit; ~70k req/s on a quiet machine)',
    pass: bare.reqPerSec >= 2 * fastest,
    detail: `${bare.reqPerSec.toFixed(0)} req/s${fastest > 0 ? `, ${(bare.reqPerSec / fastest).toFixed(1)}x the fastest other row` : ''}`,
  };
}

export function formatChecks(checks: readonly Check[]): string {
  return checks.map((check) => `${check.pass === null ? 'SKIP' : check.pass ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`).join('\n');
}
