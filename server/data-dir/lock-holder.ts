// Whether the process named in a lock file is still the miahook that wrote it. A pid alone is not enough: after
// a crash and a reboot the pid can belong to another program (even pid 1), and right after kill -9 the dead
// process can linger as a zombie. On Linux the process start time (/proc/<pid>/stat field 22, clock ticks since
// boot) identifies it; elsewhere (no /proc) only the pid is checked, as before.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

export interface LockHolder {
  pid: number;
  /** The holder's start time as recorded in the lock file; null in lock files written by older versions. */
  startTime: string | null;
}

interface ProcStat {
  state: string;
  startTime: string;
}

/** This process's identity for a lock file: its pid and, on Linux, its start time. */
export async function describeSelf(): Promise<LockHolder> {
  return { pid: process.pid, startTime: (await readProcStat(process.pid))?.startTime ?? null };
}

/** True while the holder's process runs and is the one that wrote the lock (not a zombie, not a reused pid). */
export async function isHolderRunning(holder: LockHolder): Promise<boolean> {
  if (!isProcessAlive(holder.pid)) return false;
  const stat = await readProcStat(holder.pid);
  if (stat === null) return true; // no /proc: the pid is all we can go by
  if (stat.state === 'Z' || stat.state === 'X') return false;
  if (holder.startTime !== null) return stat.startTime === holder.startTime;
  // An older lock file without a start time: only a Node process can be a miahook.
  return (await readCommand(holder.pid))?.startsWith('node') ?? true;
}

/** kill(pid, 0): EPERM means it runs under another user, still alive. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readProcStat(pid: number): Promise<ProcStat | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19]; // field 22 of the whole line
  return state && startTime && /^\d+$/.test(startTime) ? { state, startTime } : null;
}

async function readCommand(pid: number): Promise<string | null> {
  try {
    const argv0 = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')[0] ?? '';
    return basename(argv0);
  } catch {
    return null;
  }
}
