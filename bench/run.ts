// `npm run bench`: miahook's ingress side by side with its limits, in one run, and its memory/disk model
// (issue 11). Rows: bare node:http, the design-limit server, mockttp, miahook at an empty store and full at two
// --keep values, plus ~1 MB bodies at the body budget. Prints two tables and the targets as PASS/FAIL, and writes
// bench/results.json. Every target is its own process; durations and sizes come from BENCH_* env vars.

import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StatusResponse } from '../shared/api.ts';
import { ensureBuiltCli } from './built-cli.ts';
import { makeSignedCallback } from './callback-body.ts';
import { fillStore, measureMemory, measurePerf, type BenchConfig, type MemoryRow, type PerfRow } from './measure.ts';
import { checkSanity, evaluateTargets, formatChecks, formatMemoryTable, formatPerfTable } from './report.ts';
import { getJson } from './stored-bytes.ts';
import { readRss, spawnMiahook, spawnScript, type MiahookTarget } from './targets.ts';

const readEnvNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0 (got "${process.env[name]}").`);
  return value;
};
const config: BenchConfig = {
  seconds: readEnvNumber('BENCH_SECONDS', 5),
  warmupSeconds: readEnvNumber('BENCH_WARMUP_SECONDS', 1),
  rateSeconds: readEnvNumber('BENCH_RATE_SECONDS', 5),
  rate: readEnvNumber('BENCH_RATE', 200),
  connections: readEnvNumber('BENCH_CONNECTIONS', 16),
};
const BODY_BYTES = readEnvNumber('BENCH_BODY_BYTES', 1024);
/** ~1 MB: 258 of them fit in miahook's 256 MiB body budget (the README's default). */
const BIG_BODY_BYTES = readEnvNumber('BENCH_BIG_BODY_BYTES', 1_040_000);
const BODY_BUDGET = 256 * 1024 * 1024;
const LARGE_KEEP = readEnvNumber('BENCH_LARGE_KEEP', 100_000);
/** A fill that takes longer is stopped (the row then says the store was not full). */
const FILL_DEADLINE = readEnvNumber('BENCH_FILL_DEADLINE_SECONDS', 120);
const ALL_ROWS = ['bare', 'design-limit', 'mockttp', 'miahook-empty', 'miahook-keep-10000', 'miahook-keep-large', 'miahook-big-bodies'];
const rowsToRun = (process.env.BENCH_ROWS ?? ALL_ROWS.join(',')).split(',').map((id) => id.trim()).filter(Boolean);
for (const id of rowsToRun) if (!ALL_ROWS.includes(id)) throw new Error(`BENCH_ROWS: unknown row "${id}"; rows are ${ALL_ROWS.join(', ')}.`);

const work = await mkdtemp(join(tmpdir(), 'miahook-bench-'));
const perf: PerfRow[] = [];
const memory: MemoryRow[] = [];
/** Rows that failed: the run goes on with the others and prints these after the tables. */
const failures: Array<{ row: string; error: string }> = [];
/** Things a reader of the tables must know (a fill cut short, a store that did not fill). */
const notes: string[] = [];
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** Writes a body to a file for bench/load.ts (its own process). */
async function saveBody(name: string, body: string): Promise<string> {
  const path = join(work, `${name}.json`);
  await writeFile(path, body);
  return path;
}

/** Built (if stale) on first use, so runs without a miahook row need no build. */
let cliPath: Promise<string> | undefined;
// The non-miahook targets verify against a key of our own; miahook rows sign with each instance's emulator key.
const ownKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ownBody = makeSignedCallback(BODY_BYTES, ownKey.privateKey);
const ownBodyFile = await saveBody('own', ownBody);

async function runScriptRow(id: string, label: string, script: string, client: PerfRow['client'], withDataDir: boolean): Promise<void> {
  if (!rowsToRun.includes(id)) return;
  log(`${label} ...`);
  const dataDir = withDataDir ? await mkdtemp(join(work, `${id}-`)) : null;
  const target = await spawnScript(script, dataDir ? { BENCH_DATA_DIR: dataDir, BENCH_PUBLIC_KEY: ownKey.publicKey.export({ type: 'spki', format: 'pem' }).toString() } : {});
  try {
    perf.push(await measurePerf({ id, label, target, body: ownBody, bodyFile: ownBodyFile, config, client, dataDir }));
  } finally {
    await target.stop();
  }
}

/** Starts miahook in a fresh data dir, lets `during` use it, then stops it and removes the dir. */
async function runWithMiahook(id: string, args: string[], during: (target: MiahookTarget, dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(join(work, `${id}-`));
  cliPath ??= ensureBuiltCli(log);
  const target = await spawnMiahook(await cliPath, dataDir, ['--rate-limit', '0', ...args]);
  try {
    await during(target, dataDir);
  } catch (error) {
    const { stderr, exitCode } = target.report();
    throw new Error(`${(error as Error).message}${exitCode !== undefined ? `; miahook exited with ${exitCode}` : ''}${stderr ? `; its stderr ends:\n${stderr.slice(-2000)}` : ''}`);
  } finally {
    await target.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Sends `count` valid callbacks, then notes whether the store holds `expected` (full) as it should. */
async function fillPastLimit(label: string, target: MiahookTarget, body: string, count: number, expected: number, connections: number): Promise<void> {
  const filled = await fillStore(target, body, count, connections, FILL_DEADLINE);
  const held = (await getJson<StatusResponse>(target, '/api/status')).counts.captures;
  log(`  ${filled.ok} answered 2xx at ${filled.reqPerSec.toFixed(1)} req/s; the store holds ${held}`);
  if (filled.ok < count) notes.push(`${label}: the fill got ${filled.ok} of ${count} callbacks acknowledged${Object.keys(filled.failures).length > 0 ? ` (not 2xx: ${JSON.stringify(filled.failures)})` : ''}${filled.requests < count ? `, stopped at the ${FILL_DEADLINE} s deadline (BENCH_FILL_DEADLINE_SECONDS)` : ''}.`);
  if (held < expected) notes.push(`${label}: the store holds ${held} captures after the fill, not ${expected}: it was not full when measured.`);
}

async function runMiahookRow(id: string, label: string, keep: number, full: boolean): Promise<void> {
  if (!rowsToRun.includes(id)) return;
  await runWithMiahook(id, ['--keep', String(keep)], async (target, dataDir) => {
    const startRss = await readRss(target.pid);
    const body = makeSignedCallback(BODY_BYTES, target.signingKey);
    if (full) {
      // Past the limit, so that the store is full and evicting when the measurement starts.
      const count = keep + Math.max(200, Math.ceil(keep / 100));
      log(`${label}: filling with ${count} valid callbacks ...`);
      await fillPastLimit(label, target, body, count, keep, config.connections);
    }
    log(`${label} ...`);
    const countStored = async () => (await getJson<StatusResponse>(target, '/api/status')).counts.captures;
    perf.push(await measurePerf({ id, label, target, body, bodyFile: await saveBody(id, body), config, client: 'autocannon', dataDir, countStored }));
    if (full) memory.push(await measureMemory(id, `${keep} x ${BODY_BYTES} B (--keep ${keep})`, target, dataDir, BODY_BYTES, startRss));
  });
}

async function runBigBodiesRow(): Promise<void> {
  if (!rowsToRun.includes('miahook-big-bodies')) return;
  await runWithMiahook('miahook-big-bodies', ['--max-body', '2mb'], async (target, dataDir) => {
    const startRss = await readRss(target.pid);
    const body = makeSignedCallback(BIG_BODY_BYTES, target.signingKey);
    const fits = Math.floor(BODY_BUDGET / BIG_BODY_BYTES);
    const count = fits + 20;
    log(`miahook, ${BIG_BODY_BYTES} B bodies: filling with ${count} (${fits} fit in the 256 MiB body budget) ...`);
    await fillPastLimit('miahook, ~1 MB bodies', target, body, count, fits, 4);
    memory.push(await measureMemory('miahook-big-bodies', `~${fits} x ${(BIG_BODY_BYTES / 1e6).toFixed(2)} MB (body budget)`, target, dataDir, BIG_BODY_BYTES, startRss));
  });
}

async function readPackageVersion(name: string): Promise<string> {
  const pkg = JSON.parse(await readFile(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs one row; a failure is recorded and the next row still runs. */
async function attempt(row: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    log(`${row} failed: ${(error as Error).message}`);
    failures.push({ row, error: (error as Error).message });
  }
}

const started = Date.now();
try {
  await attempt('bare', () => runScriptRow('bare', 'bare node:http, no work (transport limit)', './bare-server.ts', 'autocannon', false));
  await attempt('design-limit', () => runScriptRow('design-limit', 'design limit: parse + canonical + RSA verify + group-committed append, one thread', './design-limit.ts', 'autocannon', true));
  await attempt('mockttp', async () => runScriptRow('mockttp', `mockttp ${await readPackageVersion('mockttp')} (records in memory, a peer)`, './mockttp-server.ts', 'node:http client', false));
  await attempt('miahook-empty', () => runMiahookRow('miahook-empty', 'miahook, store filling from empty (--keep 1000000)', 1_000_000, false));
  await attempt('miahook-keep-10000', () => runMiahookRow('miahook-keep-10000', 'miahook, store full at --keep 10000', 10_000, true));
  await attempt('miahook-keep-large', () => runMiahookRow('miahook-keep-large', `miahook, store full at --keep ${LARGE_KEEP}`, LARGE_KEEP, true));
  await attempt('miahook-big-bodies', runBigBodiesRow);
} finally {
  await rm(work, { recursive: true, force: true });
}

const checks = evaluateTargets(perf, memory);
const sanity = checkSanity(perf);
process.stdout.write([
  `Node ${process.version}; ${BODY_BYTES} B validly signed callbacks; under load: ${config.connections} connections for ${config.seconds} s (autocannon${perf.some((row) => row.client !== 'autocannon') ? '; mockttp with a node:http keep-alive client, since autocannon gets no answer from it' : ''}); fixed rate: ${config.rate} req/s for ${config.rateSeconds} s, open loop (node:http client). RSS and data dir after the runs and the checkpoint.`,
  '',
  formatPerfTable(perf, config.rate, config.connections),
  '',
  formatMemoryTable(memory),
  '',
  formatChecks([...checks, sanity]),
  ...notes.map((note) => `NOTE  ${note}`),
  ...failures.map((failure) => `ERROR  row ${failure.row}: ${failure.error}`),
  `(${((Date.now() - started) / 1000).toFixed(0)} s)`,
  '',
].join('\n'));
await writeFile(fileURLToPath(new URL('./results.json', import.meta.url)), `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, config: { ...config, bodyBytes: BODY_BYTES, bigBodyBytes: BIG_BODY_BYTES, largeKeep: LARGE_KEEP, fillDeadlineSeconds: FILL_DEADLINE, rows: rowsToRun }, perf, memory, checks, sanity, notes, failures }, null, 2)}\n`);
process.exitCode = failures.length > 0 ? 1 : 0;
