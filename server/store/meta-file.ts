// meta.json: the highest sequence number ever handed out per collection, so none is reused after deletes.

import { join } from 'node:path';
import type { Low } from 'lowdb';
import { CoalescingWriter } from './coalescing-writer.ts';
import { openJsonFile, readOrSetAside, type Log } from './json-files.ts';

export interface CollectionMeta {
  /** Highest seq handed out. */
  lastSeq: number;
  /** Every seq at or below this was evicted by retention (records still in a segment file are dropped at load). */
  evictedThrough: number;
}

interface MetaData {
  version: 1;
  captures: CollectionMeta;
  deliveries: CollectionMeta;
}

export type CollectionName = 'captures' | 'deliveries';

function isMeta(data: unknown): data is MetaData {
  const meta = data as MetaData;
  return typeof data === 'object' && data !== null && isCollectionMeta(meta.captures) && isCollectionMeta(meta.deliveries);
}

function isCollectionMeta(value: unknown): value is CollectionMeta {
  const meta = value as CollectionMeta;
  return typeof value === 'object' && value !== null && Number.isSafeInteger(meta.lastSeq) && Number.isSafeInteger(meta.evictedThrough);
}

export class MetaFile {
  #db: Low<MetaData>;
  #writer: CoalescingWriter;
  /** What the collections report now; copied into the file at each write. */
  #sources = new Map<CollectionName, () => CollectionMeta>();
  #durable: Record<CollectionName, CollectionMeta> = { captures: { lastSeq: 0, evictedThrough: 0 }, deliveries: { lastSeq: 0, evictedThrough: 0 } };

  private constructor(db: Low<MetaData>) {
    this.#db = db;
    this.#writer = new CoalescingWriter(() => this.#writeOnce());
  }

  static async open(dataDir: string, log: Log): Promise<{ meta: MetaFile; loaded: Record<CollectionName, CollectionMeta>; salvagedMaxSeq: number }> {
    const path = join(dataDir, 'meta.json');
    const meta = new MetaFile(openJsonFile<MetaData>(path, emptyMeta()));
    const read = await readOrSetAside(meta.#db, path, isMeta, log);
    const data = read.kind === 'ok' ? read.data : emptyMeta();
    meta.#durable = { captures: { ...data.captures }, deliveries: { ...data.deliveries } };
    return { meta, loaded: { captures: { ...data.captures }, deliveries: { ...data.deliveries } }, salvagedMaxSeq: read.kind === 'corrupt' ? read.salvagedMaxSeq : 0 };
  }

  register(name: CollectionName, source: () => CollectionMeta): void {
    this.#sources.set(name, source);
  }

  /** Resolves once the file holds at least the current lastSeq of every collection. */
  async ensureLastSeqDurable(): Promise<void> {
    for (const [name, source] of this.#sources) {
      if (source().lastSeq > this.#durable[name].lastSeq) return this.#writer.schedule();
    }
  }

  /** Writes the current state (used at close and when whole segment files go). */
  flush(): Promise<void> {
    return this.#writer.schedule();
  }

  #writeOnce(): Promise<void> {
    const data = emptyMeta();
    for (const [name, source] of this.#sources) data[name] = { ...source() };
    this.#db.data = data;
    return this.#db.write().then(() => {
      this.#durable = data;
    });
  }
}

function emptyMeta(): MetaData {
  return { version: 1, captures: { lastSeq: 0, evictedThrough: 0 }, deliveries: { lastSeq: 0, evictedThrough: 0 } };
}
