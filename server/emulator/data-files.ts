// Small file helpers for the emulator's data dir: private files (mode 0600) and a private folder (0700).

import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, FILE_MODE, readPrivateText } from '../data-dir/private-files.ts';

/** Makes `<dataDir>/emulator` (mode 0700) and returns its path. */
export async function ensureEmulatorDir(dataDir: string): Promise<string> {
  const dir = join(dataDir, 'emulator');
  await ensurePrivateDir(dir);
  return dir;
}

/** Reads a file as UTF-8, or null when it does not exist. Re-applies mode 0600 to files that hold secrets. */
export const readPrivateFile = readPrivateText;

/** Creates a file readable by its owner only; fails if it already exists (so a racing writer cannot overwrite it). */
export async function createPrivateFile(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: FILE_MODE, flag: 'wx', flush: true });
  await chmod(path, FILE_MODE);
}
