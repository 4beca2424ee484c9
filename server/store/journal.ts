// The write-ahead journal of one collection: JSON lines appended to an open file with group commit.

import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from './json-files.ts';

export const JOURNAL_NAME = /^journal-(\d+)\.jsonl$/;

export function journalPath(dir: string, no: number): string {
  return join(dir, `journal-${String(no).padStart(6, '0')}.jsonl`);
}

export interface JournalOptions {
  dir: string;
  /** Number of the first file this journal writes (higher than any journal file already in `dir`). */
  firstNo: number;
  /** fdatasync each write before acknowledging it (survives power loss, costs a disk flush per write). */
  fsync: boolean;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Runs synchronously once the write holding the line has returned, before any later seal() resolves. */
  apply?: () => void;
}

/**
 * One write in flight at a time: lines appended while it runs are concatenated into the next single
 * write, and every caller resolves once the write holding its line has returned (the bytes are in the
 * page cache: they survive kill -9, and power loss only with `fsync`). A file is opened on its first
 * write and kept open until `seal()`; after a failed write the next write starts a new file, so a torn
 * line can only ever be the last line of its file.
 */
export class Journal {
  readonly #dir: string;
  readonly #fsync: boolean;
  #no: number;
  #handle: FileHandle | null = null;
  #lines: string[] = [];
  #waiters: Waiter[] = [];
  #running = false;
  #sealWaiters: Array<(paths: string[]) => void> = [];
  /** Files written to and finished (sealed, or given up after a failed write) since the last seal() answer. */
  #finished: string[] = [];

  constructor(options: JournalOptions) {
    this.#dir = options.dir;
    this.#no = options.firstNo;
    this.#fsync = options.fsync;
  }

  /**
   * Appends one line (without its newline); resolves once a write holding it has returned. `apply` (the
   * change in memory the line describes) runs right after that write, in append order, and never when
   * the write failed: memory only ever holds what the journal holds.
   */
  append(line: string, apply?: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#lines.push(`${line}\n`);
      this.#waiters.push({ resolve, reject, apply });
      this.#kick();
    });
  }

  /**
   * Ends the current file: appends not yet written go to a new one. Resolves, once no write to the old
   * file is in flight, with the files finished since the previous call (none if nothing was written).
   */
  seal(): Promise<string[]> {
    return new Promise((resolve) => {
      this.#sealWaiters.push(resolve);
      this.#kick();
    });
  }

  /** Seals and closes the file; a later append (there should be none) would open a new one. */
  close(): Promise<string[]> {
    return this.seal();
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = true;
    // A microtask later, so that appends made in the same turn share the first write.
    queueMicrotask(() => void this.#run());
  }

  async #run(): Promise<void> {
    while (this.#lines.length > 0 || this.#sealWaiters.length > 0) {
      if (this.#lines.length > 0) {
        const text = this.#lines.join('');
        const waiters = this.#waiters;
        this.#lines = [];
        this.#waiters = [];
        try {
          await this.#write(text);
          for (const waiter of waiters) settle(waiter);
        } catch (error) {
          for (const waiter of waiters) waiter.reject(error);
          await this.#finishFile();
        }
      }
      if (this.#sealWaiters.length > 0) {
        await this.#finishFile();
        const paths = this.#finished;
        const sealWaiters = this.#sealWaiters;
        this.#finished = [];
        this.#sealWaiters = [];
        for (const resolve of sealWaiters) resolve(paths);
      }
    }
    // No await between the loop's last check and this line: an append made from now on starts a new run.
    this.#running = false;
  }

  async #write(text: string): Promise<void> {
    if (!this.#handle) {
      this.#handle = await open(journalPath(this.#dir, this.#no), 'a', 0o600);
      if (this.#fsync) await syncDir(this.#dir);
    }
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await this.#handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
    if (this.#fsync) await this.#handle.datasync();
  }

  /** Closes the current file (if one is open) and moves on to the next number. */
  async #finishFile(): Promise<void> {
    const handle = this.#handle;
    if (!handle) return;
    this.#handle = null;
    this.#finished.push(journalPath(this.#dir, this.#no));
    this.#no += 1;
    await handle.close().catch(() => {});
  }
}

function settle(waiter: Waiter): void {
  try {
    waiter.apply?.();
    waiter.resolve();
  } catch (error) {
    waiter.reject(error);
  }
}
