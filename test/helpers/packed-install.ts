// Test and bench helper: packs the project with npm, installs the tarball into an empty project under os.tmpdir()
// with npm, and runs the installed `miahook` from there, in an environment that cannot reach the repo or its node_modules.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { lstat, readdir, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess, type CliResult } from './run-cli.ts';
import { waitFor } from './wait-for.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface PackedTarball {
  path: string;
  /** Size of the .tgz file. */
  bytes: number;
  /** Every path inside the package. */
  files: string[];
}

export type RunResult = CliResult;

const SET_BY_NPM_OR_VITEST = new Set(['INIT_CWD', 'NODE', 'NODE_PATH', 'NODE_OPTIONS', 'NODE_ENV', 'TEST', 'MODE', 'DEV', 'PROD', 'SSR', 'BASE_URL', 'FORCE_TTY']);

/**
 * The test process's environment without what points into the repo: no npm_* variables of the `npm test` run
 * (npm_config_local_prefix would make npm work on the repo) or of vitest (NODE_ENV=test, MODE, ...), no NODE_PATH or
 * NODE_OPTIONS, no MIAHOOK_* or MIAPOS_* configuration, and no PATH entry inside the repo or any node_modules/.bin;
 * node's own folder comes first so the bin's `#!/usr/bin/env node` finds it.
 */
export function makeIsolatedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|MIAHOOK_|MIAPOS_|VITEST)/i.test(name) || SET_BY_NPM_OR_VITEST.has(name)) continue;
    env[name] = value;
  }
  const path = (process.env.PATH ?? '').split(delimiter).filter((entry) => entry && !entry.startsWith(REPO_ROOT) && !/node_modules[\\/]\.bin$/.test(entry));
  env.PATH = [dirname(process.execPath), ...path].join(delimiter);
  return env;
}

/** Runs a command to its end and collects its output, with nothing from the repo in its environment. */
export function runCommand(command: string, args: readonly string[], options: { cwd: string; stdin?: string }): Promise<RunResult> {
  return runProcess(command, args, { cwd: options.cwd, env: makeIsolatedEnv(), stdin: options.stdin });
}

/** `npm pack` of the repo into `destination`; with `runScripts: false` it packs the existing dist/ (no prepack build). */
export async function packProject(destination: string, options: { runScripts: boolean }): Promise<PackedTarball> {
  const args = ['pack', '--json', '--pack-destination', destination, ...(options.runScripts ? [] : ['--ignore-scripts'])];
  const run = await runCommand('npm', args, { cwd: REPO_ROOT });
  if (run.code !== 0) throw new Error(`npm pack failed (${run.code}):\n${run.stderr}`);
  // With scripts, the build's own output comes first on stdout: the JSON report is the last thing printed.
  const report = JSON.parse(run.stdout.slice(run.stdout.lastIndexOf('\n[\n') + 1)) as { filename: string; size: number; files: { path: string }[] }[];
  const packed = report[0]!;
  return { path: join(destination, packed.filename), bytes: packed.size, files: packed.files.map((file) => file.path) };
}

/** Makes `projectDir` an empty npm project and installs the tarball into it with npm (from the local cache when it can). */
export async function installTarball(tarball: string, projectDir: string): Promise<void> {
  await writeFile(join(projectDir, 'package.json'), `${JSON.stringify({ name: 'miahook-install-check', private: true })}\n`);
  const run = await runCommand('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: projectDir });
  if (run.code !== 0) throw new Error(`npm install of ${tarball} failed (${run.code}):\n${run.stderr}`);
}

/** The installed command, as npm linked it. */
export function findInstalledBin(projectDir: string): string {
  return join(projectDir, 'node_modules', '.bin', 'miahook');
}

/** Runs the installed `miahook` with cwd = the install's project folder. */
export function runInstalled(projectDir: string, args: readonly string[], stdin?: string): Promise<RunResult> {
  return runCommand(findInstalledBin(projectDir), args, { cwd: projectDir, stdin });
}

export interface InstalledInstance {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  /** Milliseconds from spawn to "miahook is running" on stdout. */
  startMs: number;
  /** CPU time (user + system) the process had used by then, from /proc (Linux; undefined elsewhere). */
  startCpuMs: number | undefined;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the installed `miahook` with `args` and resolves once it prints "miahook is running". */
export async function startInstalled(projectDir: string, args: readonly string[], timeoutMs = 30_000): Promise<InstalledInstance> {
  const startedAt = performance.now();
  const child = spawn(findInstalledBin(projectDir), args, { cwd: projectDir, env: makeIsolatedEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  let startMs = 0;
  let startCpuMs: number | undefined;
  child.stdout.on('data', (chunk) => {
    output.stdout += chunk;
    if (startMs || !output.stdout.includes('miahook is running')) return;
    startMs = performance.now() - startedAt;
    startCpuMs = readCpuMs(child.pid);
  });
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  try {
    await waitFor(() => {
      if (exitCode !== undefined) throw new Error(`the installed miahook exited (${exitCode}) before it was running:\n${output.stderr}`);
      return startMs > 0;
    }, { timeoutMs, intervalMs: 5 });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`);
  }
  return {
    child,
    output,
    startMs,
    startCpuMs,
    stop: async () => {
      if (exitCode === undefined) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** utime + stime of a process in ms, from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 10 ms on Linux). */
function readCpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Total size of the files under `dir` (as `du --apparent-size` counts) and the space they take on disk. */
export async function measureDir(dir: string): Promise<{ bytes: number; diskBytes: number }> {
  let bytes = 0;
  let diskBytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await measureDir(path);
      bytes += inner.bytes;
      diskBytes += inner.diskBytes;
    } else {
      const info = await lstat(path);
      bytes += info.size;
      diskBytes += info.blocks * 512;
    }
  }
  return { bytes, diskBytes };
}
