// Test helper: runs the real `miahook` CLI as a child process and finds it through its runtime.json.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeInfo } from '../../server/data-dir/runtime-file.ts';
import { CLI_NODE_ARGS } from './run-cli.ts';
import { waitFor } from './wait-for.ts';

export interface SpawnedMiahook {
  child: ChildProcess;
  runtime: RuntimeInfo;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

export async function spawnMiahook(dataDir: string, args: string[] = [], timeoutMs = 15_000): Promise<SpawnedMiahook> {
  const child = spawn(process.execPath, [...CLI_NODE_ARGS, '--port', '0', '--ingress-port', '0', '--emulator-port', '0', '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk) => (output.stdout += chunk));
  child.stderr!.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code ?? -1));
  const runtime = await waitFor(async () => {
    if (exitCode !== undefined) throw new Error(`miahook exited (${exitCode}) before it was ready:\n${output.stderr}`);
    try {
      const info = JSON.parse(await readFile(join(dataDir, 'runtime.json'), 'utf8')) as RuntimeInfo;
      return info.pid === child.pid && output.stdout.includes('Press Ctrl+C') ? info : undefined;
    } catch {
      return undefined;
    }
  }, { timeoutMs });
  return {
    child,
    runtime,
    output,
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
