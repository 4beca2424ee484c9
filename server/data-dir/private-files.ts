// Files miahook writes in its data dir outside the capture store: owner-only (files 0600, folders 0700),
// replaced atomically (temp file, flush, rename), and a damaged one set aside with a warning, never deleted.

import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';

export const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Makes the folder (and parents) owner-only; an existing folder is narrowed to 0700 too. */
export async function ensurePrivateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: DIR_MODE });
  await chmod(path, DIR_MODE);
}

/** Replaces `path` with `text` atomically (no fsync, as lowdb did); the file is 0600 from its first byte. */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: FILE_MODE });
  await chmod(temp, FILE_MODE);
  await rename(temp, path);
}

/** Reads a UTF-8 file (null when missing) and narrows its mode to 0600 (older versions wrote 0644). */
export async function readPrivateText(path: string): Promise<string | null> {
  try {
    const text = await readFile(path, 'utf8');
    await chmod(path, FILE_MODE);
    return text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Moves a damaged file to `<path>.corrupt-<timestamp>` (the store's naming) and returns the new path. */
export async function setAsideDamaged(path: string): Promise<string> {
  const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await rename(path, aside);
  return aside;
}
