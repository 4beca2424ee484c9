// Small file helpers for the emulator's data dir: private files (mode 0600), a private folder, a pid lock file.

import { chmod, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Makes `<dataDir>/emulator` (mode 0700) and returns its path. */
export async function ensureEmulatorDir(dataDir: string): Promise<string> {
  const dir = join(dataDir, 'emulator');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

/** Reads a file as UTF-8, or null when it does not exist. Re-applies mode 0600 to files that hold secrets. */
export async function readPrivateFile(path: string): Promise<string | null> {
  try {
    const text = await readFile(path, 'utf8');
    await chmod(path, 0o600);
    return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Creates a file readable by its owner only; fails if it already exists (so a racing writer cannot overwrite it). */
export async function createPrivateFile(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600, flag: 'wx', flush: true });
  await chmod(path, 0o600);
}

/** A held lock; release() is idempotent. */
export interface FileLock {
  release(): Promise<void>;
}

/**
 * Takes `<dir>/<name>` holding our pid. A lock left by a dead process is taken over; one held by a
 * live process (including this one: a second emulator on the same data dir) is refused.
 */
export async function takeLock(dir: string, name: string, what: string): Promise<FileLock> {
  const path = join(dir, name);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await rm(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(`${what} is already in use by process ${holder} (lock file ${path}). Stop that process, or use another --data-dir.`);
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${path}. Delete it if no miahook process is running.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
