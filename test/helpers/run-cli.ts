// Test helper: runs the real `miahook` command from the sources (its bin file through tsx, as `node --import tsx`)
// as a child process and collects its output and exit code. The built package is tested in test/packaging/.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI_PATH = fileURLToPath(new URL('../../server/bin/miahook.ts', import.meta.url));
/** Node arguments that run the CLI sources: tsx's loader (by absolute URL, so any cwd works), then the bin file. */
export const CLI_NODE_ARGS: readonly string[] = ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, CLI_PATH];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; stdin?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return runProcess(process.execPath, [...CLI_NODE_ARGS, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdin: options.stdin });
}

/** Runs a command to its end with `stdin` written to it, and collects its output and exit code. */
export function runProcess(command: string, args: readonly string[], options: { cwd?: string; env: NodeJS.ProcessEnv; stdin?: string | Buffer }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

export interface RunningCli {
  output: { stdout: string; stderr: string };
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  signal(name: NodeJS.Signals): void;
}

/** Starts a long-running `miahook` command (e.g. tail) and collects its output as it comes. */
export function startCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunningCli {
  const child = spawn(process.execPath, [...CLI_NODE_ARGS, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { output, exited, signal: (name) => void child.kill(name) };
}
