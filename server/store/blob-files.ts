// Capture bytes on disk: append-only files `<dir>/<n>.bin` written with group commit; records hold (file, offset, length).

import { mkdir, open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { removeFile, syncDir } from './json-files.ts';

export interface BlobRef {
  file: number;
  offset: number;
  length: number;
}

interface Pending {
  ref: BlobRef;
  bytes: Buffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface BlobFilesOptions {
  dir: string;
  /** A file takes no more appends once it holds this many bytes (a single larger blob still fits alone); asked at each append. */
  maxFileBytes: () => number;
  /** fdatasync each write before resolving it. */
  fsync: boolean;
}

/**
 * Appends reserve their place synchronously (so a record can name it at once) and are written in order, one
 * write in flight, later appends concatenated into the next write; each resolves once its bytes are in the
 * file (page cache; power loss only with `fsync`). A file whose write failed takes no more appends. Files are
 * never rewritten: the owner deletes one when nothing it holds is referenced any more.
 */
export class BlobFiles {
  readonly #options: BlobFilesOptions;
  /** Size of every file on disk (and of the current one, as reserved). */
  readonly #sizes = new Map<number, number>();
  #current: number;
  #queue: Pending[] = [];
  #running = false;
  /** The write loop while it runs (close() waits for it). */
  #writing: Promise<void> = Promise.resolve();
  #handle: { file: number; handle: FileHandle } | null = null;
  #failed = new Set<number>();

  private constructor(options: BlobFilesOptions, sizes: Map<number, number>) {
    this.#options = options;
    this.#sizes = sizes;
    // Never appends after bytes a crash may have torn: a new file each open.
    this.#current = Math.max(0, ...sizes.keys()) + 1;
    this.#sizes.set(this.#current, 0);
  }

  static async open(options: BlobFilesOptions): Promise<BlobFiles> {
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const sizes = new Map<number, number>();
    for (const name of await readdir(options.dir)) {
      const no = /^(\d+)\.bin$/.exec(name)?.[1];
      if (no !== undefined) sizes.set(Number(no), (await stat(join(options.dir, name))).size);
    }
    return new BlobFiles(options, sizes);
  }

  /** Bytes in each file on disk (reserved ones included for the file being written). */
  get sizes(): ReadonlyMap<number, number> {
    return this.#sizes;
  }

  get current(): number {
    return this.#current;
  }

  /** True when `ref` lies inside a file that exists (a record naming anything else cannot be read). */
  holds(ref: BlobRef): boolean {
    const size = this.#sizes.get(ref.file);
    return size !== undefined && ref.offset + ref.length <= size;
  }

  /** Reserves the place of `bytes` now; the promise resolves once they are written there. */
  append(bytes: Buffer): { ref: BlobRef; written: Promise<void> } {
    let size = this.#sizes.get(this.#current)!;
    if (size > 0 && size + bytes.length > this.#options.maxFileBytes()) {
      this.#current += 1;
      this.#sizes.set(this.#current, 0);
      size = 0;
    }
    const ref = { file: this.#current, offset: size, length: bytes.length };
    this.#sizes.set(this.#current, size + bytes.length);
    const written = new Promise<void>((resolve, reject) => this.#queue.push({ ref, bytes, resolve, reject }));
    if (!this.#running) {
      this.#running = true;
      this.#writing = Promise.resolve().then(() => this.#run());
    }
    return { ref, written };
  }

  async read(ref: BlobRef, start = 0, end = ref.length): Promise<Buffer> {
    const length = Math.max(0, Math.min(end, ref.length) - start);
    const buffer = Buffer.allocUnsafe(length);
    const handle = await open(this.#path(ref.file), 'r');
    try {
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, ref.offset + start + done);
        if (bytesRead === 0) throw new Error(`${this.#path(ref.file)} ends before the capture bytes it should hold.`);
        done += bytesRead;
      }
      return buffer;
    } finally {
      await handle.close();
    }
  }

  /** Deletes a file nothing refers to any more (never the one being written, nor one with writes queued). */
  async remove(file: number): Promise<void> {
    if (file === this.#current || this.#queue.some((pending) => pending.ref.file === file)) return;
    if (this.#handle?.file === file && !this.#running) {
      await this.#handle.handle.close().catch(() => {});
      this.#handle = null;
    }
    await removeFile(this.#path(file));
    this.#sizes.delete(file);
    this.#failed.delete(file);
  }

  /** Waits for every append made so far, then closes the open file. */
  async close(): Promise<void> {
    await this.#writing;
    await this.#handle?.handle.close().catch(() => {});
    this.#handle = null;
  }

  #path(file: number): string {
    return join(this.#options.dir, `${String(file).padStart(6, '0')}.bin`);
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0) {
      const file = this.#queue[0]!.ref.file;
      let count = 0;
      while (count < this.#queue.length && this.#queue[count]!.ref.file === file) count++;
      const batch = this.#queue.splice(0, count);
      try {
        if (this.#failed.has(file)) throw new Error(`an earlier write to ${this.#path(file)} failed`);
        await this.#write(file, Buffer.concat(batch.map((pending) => pending.bytes)));
        for (const pending of batch) pending.resolve();
      } catch (error) {
        this.#failed.add(file);
        if (file === this.#current) {
          this.#current += 1;
          this.#sizes.set(this.#current, 0);
        }
        for (const pending of batch) pending.reject(error);
      }
    }
    this.#running = false;
  }

  async #write(file: number, bytes: Buffer): Promise<void> {
    if (this.#handle?.file !== file) {
      await this.#handle?.handle.close().catch(() => {});
      this.#handle = null;
      this.#handle = { file, handle: await open(this.#path(file), 'a', 0o600) };
      if (this.#options.fsync) await syncDir(this.#options.dir);
    }
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await this.#handle.handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
    if (this.#options.fsync) await this.#handle.handle.datasync();
  }
}
