// The data-dir lock: <dataDir>/miahook.lock holds the owner's pid and start time ("<pid> <start>"), so a second
// miahook cannot write the same files, while a lock left by a dead process (its pid reused, or a zombie) is taken over.

import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeSelf, isHolderRunning, type LockHolder } from './lock-holder.ts';

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
  const self = await describeSelf();
  const ownText = `${self.pid}${self.startTime === null ? '' : ` ${self.startTime}`}\n`;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, ownText, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
    }
    const holder = await readHolder(path);
    if (holder === 'gone') continue;
    if (holder.holder !== null && (await isHolderRunning(holder.holder))) throw new DataDirLockedError(holder.holder.pid, dataDir);
    // Stale: remove it only if it still holds what we judged stale (another starter may have replaced it).
    const again = await readHolder(path);
    if (again === 'gone' || again.text !== holder.text) continue;
    log(`warning: ${path} was left by ${holder.holder === null ? 'an unreadable owner' : `pid ${holder.holder.pid}, which is no longer running`}; taking it over.`);
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

/** Who the lock file names, or 'gone' if the file vanished. An empty file is re-read once: its owner may still be writing. */
async function readHolder(path: string): Promise<{ holder: LockHolder | null; text: string } | 'gone'> {
  for (let attempt = 0; attempt < 2; attempt++) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      throw error;
    }
    const match = /^\s*(\d+)(?:\s+(\d+))?\s*$/.exec(text);
    const pid = match ? Number(match[1]) : 0;
    if (match && pid > 0) return { holder: { pid, startTime: match[2] ?? null }, text };
    if (attempt === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    else return { holder: null, text };
  }
  return 'gone';
}
