// Small file helpers for the emulator's data dir: private files (mode 0600) and a private folder.

import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
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
