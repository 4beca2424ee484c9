// The data-dir lock: <dataDir>/miahook.lock holds the owner's pid, so a second miahook cannot write the same files.

import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from './is-process-alive.ts';

export const LOCK_FILE_NAME = 'miahook.lock';

export class DataDirLockedError extends Error {
  readonly pid: number;
  readonly dataDir: string;
  constructor(pid: number, dataDir: string) {
    super(`Another miahook (pid ${pid}) is using ${dataDir}. Stop it, or start this one with --data-dir <other dir>.`);
    this.name = 'DataDirLockedError';
    this.pid = pid;
    this.dataDir = dataDir;
  }
}

export interface DataDirLock {
  /** Removes the lock file if it is still ours; idempotent. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** Where the take-over of a stale lock is reported. */
  log?: (line: string) => void;
}

/** Creates `<dataDir>/miahook.lock` exclusively; takes over a lock whose pid is no longer running. */
export async function acquireDataDirLock(dataDir: string, options: LockOptions = {}): Promise<DataDirLock> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const path = join(dataDir, LOCK_FILE_NAME);
  const ownText = `${process.pid}\n`;
  await mkdir(dataDir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, ownText, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
    }
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    if (holder.pid !== null && isProcessAlive(holder.pid)) throw new DataDirLockedError(holder.pid, dataDir);
    // Stale: remove it only if it still holds what we judged stale (another starter may have replaced it).
    const again = await readHolder(path);
    if (again === 'gone' || again.text !== holder.text) continue;
    log(`warning: ${path} was left by ${holder.pid === null ? 'an unreadable owner' : `pid ${holder.pid}, which is no longer running`}; taking it over.`);
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  let released: Promise<void> | null = null;
  return {
    release() {
      released ??= (async () => {
        const text = await readFile(path, 'utf8').catch(() => null);
        if (text === ownText) await unlink(path).catch(() => {});
      })();
      return released;
    },
  };
}

/** The pid in the lock file, or 'gone' if the file vanished. An empty file is re-read once: its owner may still be writing. */
async function readHolder(path: string): Promise<{ pid: number | null; text: string } | 'gone'> {
  for (let attempt = 0; attempt < 2; attempt++) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      throw error;
    }
    const pid = /^\s*(\d+)\s*$/.test(text) ? Number(text) : null;
    if (pid !== null && pid > 0) return { pid, text };
    if (attempt === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    else return { pid: null, text };
  }
  return 'gone';
}
