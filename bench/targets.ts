// Starts each benchmark target as its own process (so its RSS is its own and the load generator has the other
// core), and reads what the bench reports about a process and a directory: RSS and bytes on disk.

import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readdir, readFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Target {
  /** Where callbacks are POSTed. */
  url: string;
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited after a deadline. */
  stop(): Promise<void>;
}

export interface MiahookTarget extends Target {
  inspectorUrl: string;
  token: string;
  /** The emulator's signing key, which miahook verifies callbacks with in emulator mode. */
  signingKey: KeyObject;
  /** What it wrote to stderr so far, and its exit code once it has exited. */
  report(): { stderr: string; exitCode: number | null | undefined };
}

const TSX_LOADER = import.meta.resolve('tsx');

/** Runs a bench/*.ts server with `node --import tsx` (one process, unlike the tsx CLI) and waits for its {"url"} line. */
export async function spawnScript(script: string, env: Record<string, string> = {}): Promise<Target> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, fileURLToPath(new URL(script, import.meta.url))], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 20 s`)), 20_000);
    child.on('exit', (code) => reject(new Error(`${script} exited (${code}) before it listened`)));
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      resolve(out.slice(0, out.indexOf('\n')));
    });
  });
  return { url: (JSON.parse(line) as { url: string }).url, pid: child.pid!, stop: () => stopChild(child) };
}

/**
 * Spawns `miahook start` (`cliPath`: the built bin, see built-cli.ts) on free ports in `dataDir` and waits until
 * runtime.json names this process and its API answers.
 */
export async function spawnMiahook(cliPath: string, dataDir: string, args: string[]): Promise<MiahookTarget> {
  const child = spawn(process.execPath, [cliPath, 'start', '--port', '0', '--ingress-port', '0', '--emulator-port', '0', '--data-dir', dataDir, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`miahook exited (${exited}) before it was ready:\n${stderr}`);
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`miahook did not write runtime.json within 60 s:\n${stderr}`);
    }
    const runtime = await readFile(join(dataDir, 'runtime.json'), 'utf8').then((text) => JSON.parse(text) as { pid?: number; callbackUrl?: string; inspectorUrl?: string; token?: string }, () => null);
    if (runtime && runtime.pid === child.pid && runtime.callbackUrl && runtime.inspectorUrl && runtime.token) {
      const status = await fetch(`${runtime.inspectorUrl}/api/status`, { headers: { authorization: `Bearer ${runtime.token}` } }).then((response) => response.status, () => 0);
      if (status === 200) {
        const pem = await readFile(join(dataDir, 'emulator', 'signing-key.pem'), 'utf8');
        return { url: runtime.callbackUrl, pid: child.pid!, inspectorUrl: runtime.inspectorUrl, token: runtime.token, signingKey: createPrivateKey(pem), report: () => ({ stderr, exitCode: exited }), stop: () => stopChild(child) };
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process, in bytes (VmRSS from /proc/<pid>/status). */
export async function readRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) * 1024;
}

/** Sum of the sizes of the files under `dir` (files that vanish while it is read are skipped). */
export async function measureDirBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await measureDirBytes(path);
    else total += await lstat(path).then((stat) => stat.size, () => 0);
  }
  return total;
}

/**
 * Waits for a store to checkpoint: polls the directory's size until it has not changed for `quietMs`
 * (miahook checkpoints ~300 ms after the last change). Gives up after `timeoutMs` and says so.
 */
export async function waitForSettledDir(dir: string, quietMs = 1500, timeoutMs = 60_000): Promise<{ bytes: number; settled: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let last = await measureDirBytes(dir);
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const bytes = await measureDirBytes(dir);
    if (bytes !== last) {
      last = bytes;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return { bytes, settled: true };
    }
  }
  return { bytes: last, settled: false };
}
