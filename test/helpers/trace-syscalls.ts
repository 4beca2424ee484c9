// Test helper: runs a TypeScript script in a real child Node process under strace, so a test can see which
// system calls reached the kernel, on which files (strace -y), in which order.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const STRACE_PATH = process.env.MIAHOOK_STRACE ?? '/usr/bin/strace';

export interface TracedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** One entry per finished call, in the order they returned: the call name and its first argument as strace -y prints it. */
  calls: Array<{ name: string; target: string; text: string }>;
}

/** Runs `node --import tsx <script> ...args` under strace, tracing only `syscalls` (in every thread). */
export async function traceSyscalls(script: string, args: string[], syscalls: string[]): Promise<TracedRun> {
  if (!existsSync(STRACE_PATH)) {
    throw new Error(`No strace at ${STRACE_PATH}: install Debian's package (apt-get install -y strace) or set MIAHOOK_STRACE.`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'miahook-strace-'));
  const traceFile = join(dir, 'trace.txt');
  try {
    const child = spawn(STRACE_PATH, ['-f', '-qq', '-y', '-o', traceFile, '-e', `trace=${syscalls.join(',')}`, process.execPath, '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    return { code, stdout, stderr, calls: readCalls(await readFile(traceFile, 'utf8')) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Turns strace -f output into finished calls in the order they returned. A call another thread interrupted
 * is printed twice ("name(args <unfinished ...>" then "<... name resumed>...) = r"); it counts where it resumed.
 */
function readCalls(trace: string): TracedRun['calls'] {
  const calls: TracedRun['calls'] = [];
  const pending = new Map<string, string>();
  for (const line of trace.split('\n')) {
    const match = /^(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, pid, rest] = match as unknown as [string, string, string];
    let text = rest;
    if (text.endsWith('<unfinished ...>')) {
      pending.set(pid, text.slice(0, -'<unfinished ...>'.length));
      continue;
    }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(text);
    if (resumed) {
      text = (pending.get(pid) ?? '') + resumed[1];
      pending.delete(pid);
    }
    const call = /^(\w+)\(([^,)]*)/.exec(text);
    if (call) calls.push({ name: call[1]!, target: call[2]!, text });
  }
  return calls;
}
