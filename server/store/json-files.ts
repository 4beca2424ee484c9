// Reads and writes the store's JSON files through lowdb (owner-only files), and moves a corrupt one aside instead of replacing it.

import { open, readFile, unlink } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { setAsideDamaged, writePrivateFile } from '../data-dir/private-files.ts';

export type Log = (line: string) => void;

/**
 * lowdb's adapter for the store's files: the text is written to a temp file created 0600 and renamed into place
 * (writePrivateFile: atomic for a crash, as lowdb's own TextFile; steno cannot set a file mode). Writes of one
 * file never overlap: every caller goes through a CoalescingWriter.
 */
export class PrivateJsonFile<T> implements Adapter<T> {
  readonly #path: string;
  readonly #stringify: (data: T) => string;

  constructor(path: string, stringify: (data: T) => string = (data) => JSON.stringify(data)) {
    this.#path = path;
    this.#stringify = stringify;
  }

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.#path, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  write(data: T): Promise<void> {
    return writePrivateFile(this.#path, this.#stringify(data));
  }
}

/** One JSON file handled by lowdb (never JSONFilePreset: it silently uses memory under NODE_ENV=test). */
export function openJsonFile<T>(path: string, defaults: T, stringify?: (data: T) => string): Low<T> {
  return new Low<T>(new PrivateJsonFile<T>(path, stringify), defaults);
}

export type ReadResult<T> = { kind: 'missing' } | { kind: 'ok'; data: T } | { kind: 'corrupt'; salvagedMaxSeq: number };

/**
 * Reads `db`'s file; when it does not parse or `isValid` rejects it, moves it to
 * `<path>.corrupt-<timestamp>` with a warning and reports the highest `"seq"` its text still shows.
 */
export async function readOrSetAside<T>(db: Low<T>, path: string, isValid: (data: unknown) => data is T, log: Log): Promise<ReadResult<T>> {
  let problem: string;
  try {
    const data = await (db.adapter.read() as Promise<unknown>);
    if (data === null) return { kind: 'missing' };
    if (isValid(data)) {
      db.data = data;
      return { kind: 'ok', data };
    }
    problem = 'it is valid JSON but not the shape miahook writes';
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    problem = `it is not valid JSON (${error.message})`;
  }
  const salvagedMaxSeq = await readMaxSeq(path);
  const aside = await setAside(path);
  log(`warning: ${path} could not be read: ${problem}. It was moved to ${aside} and the rest of the data dir was loaded; nothing in it was deleted.`);
  return { kind: 'corrupt', salvagedMaxSeq };
}

/** Removes a file; a file already gone is fine. */
export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Moves a damaged file to `<path>.corrupt-<timestamp>` and returns the new path (one naming for every file miahook keeps). */
export const setAside = setAsideDamaged;

/** fdatasync of a file already written (and renamed into place). */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** fsync of a directory, so that names created, renamed or removed in it survive power loss. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The highest `"seq": N` in raw text, so sequence numbers in damaged data are not handed out again. */
export function maxSeqInText(text: string): number {
  let max = 0;
  for (const match of text.matchAll(/"seq"\s*:\s*(\d{1,15})/g)) max = Math.max(max, Number(match[1]));
  return max;
}

async function readMaxSeq(path: string): Promise<number> {
  return maxSeqInText(await readFile(path, 'latin1').catch(() => ''));
}
