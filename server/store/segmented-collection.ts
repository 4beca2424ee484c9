// A collection of records with store-assigned seq, kept in memory and on disk in capped segment files.

import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Low } from 'lowdb';
import { CoalescingWriter } from './coalescing-writer.ts';
import { openJsonFile, readOrSetAside, removeFile, type Log } from './json-files.ts';
import type { CollectionName, MetaFile } from './meta-file.ts';

export interface SeqRecord {
  id: string;
  seq: number;
}

interface SegmentData<T> {
  records: T[];
}

/** One file `<dir>/<000001>.json`; records in seq order; only changed segments are rewritten. */
interface Segment<T> {
  no: number;
  path: string;
  db: Low<SegmentData<T>>;
  records: T[];
  /** Highest seq removed since the last write started: the write must not lower the data dir's high-water mark. */
  removedMax: number;
  writer: CoalescingWriter;
}

export interface CollectionOptions<T> {
  dataDir: string;
  name: CollectionName;
  segmentSize: number;
  keep: number;
  meta: MetaFile;
  log: Log;
  isRecord: (value: unknown) => value is T;
  /** Called for each record entering or leaving memory (indexes of the owner). */
  onAdd?: (record: T) => void;
  onRemove?: (record: T) => void;
}

export class SegmentedCollection<T extends SeqRecord> {
  #options: CollectionOptions<T>;
  #dir: string;
  #byId = new Map<string, { record: T; segment: Segment<T> }>();
  /** Every record in memory, ascending seq. */
  #order: T[] = [];
  #segments = new Map<number, Segment<T>>();
  #open: Segment<T> | null = null;
  #nextSegmentNo = 1;
  #lastSeq = 0;
  #evictedThrough = 0;

  private constructor(options: CollectionOptions<T>) {
    this.#options = options;
    this.#dir = join(options.dataDir, options.name);
    options.meta.register(options.name, () => ({ lastSeq: this.#lastSeq, evictedThrough: this.#evictedThrough }));
  }

  /** Loads every segment file; a corrupt one is moved aside with a warning and the rest still loads. */
  static async load<T extends SeqRecord>(options: CollectionOptions<T>, meta: { lastSeq: number; evictedThrough: number }): Promise<SegmentedCollection<T>> {
    const collection = new SegmentedCollection(options);
    await collection.#load(meta);
    return collection;
  }

  get size(): number {
    return this.#order.length;
  }

  get(id: string): T | undefined {
    return this.#byId.get(id)?.record;
  }

  /** All records in memory, ascending seq. Read only. */
  get records(): readonly T[] {
    return this.#order;
  }

  /** Index of the first record whose seq is >= `seq`. */
  lowerBound(seq: number): number {
    let low = 0;
    let high = this.#order.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#order[middle]!.seq < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Assigns the next seq; resolves once a file write holding the record has completed. */
  async append(draft: Omit<T, 'seq'>): Promise<T> {
    if (this.#byId.has(draft.id)) throw new Error(`A record with id ${draft.id} is already stored in ${this.#options.name}.`);
    const record = { ...draft, seq: ++this.#lastSeq } as T;
    const segment = this.#openSegment();
    segment.records.push(record);
    this.#order.push(record);
    this.#byId.set(record.id, { record, segment });
    this.#options.onAdd?.(record);
    this.#evictOverflow();
    await segment.writer.schedule();
    return record;
  }

  /** Replaces a record (id and seq are kept); resolves once the change is on disk. */
  async update(id: string, change: (record: T) => T): Promise<T | undefined> {
    const entry = this.#byId.get(id);
    if (!entry) return undefined;
    const old = entry.record;
    const next = { ...change(old), id: old.id, seq: old.seq };
    entry.record = next;
    entry.segment.records[entry.segment.records.indexOf(old)] = next;
    this.#order[this.lowerBound(old.seq)] = next;
    this.#options.onRemove?.(old);
    this.#options.onAdd?.(next);
    await entry.segment.writer.schedule();
    return next;
  }

  /** Removes records by id; resolves with those removed once their segment files are rewritten. */
  async remove(ids: Iterable<string>): Promise<T[]> {
    const removed = new Set<T>();
    const touched = new Set<Segment<T>>();
    for (const id of ids) {
      const entry = this.#byId.get(id);
      if (!entry) continue;
      removed.add(entry.record);
      touched.add(entry.segment);
      entry.segment.removedMax = Math.max(entry.segment.removedMax, entry.record.seq);
      this.#byId.delete(id);
      this.#options.onRemove?.(entry.record);
    }
    if (removed.size === 0) return [];
    this.#order = removed.size === 1 ? this.#spliceOne(removed) : this.#order.filter((record) => !removed.has(record));
    for (const segment of touched) segment.records = segment.records.filter((record) => !removed.has(record));
    await Promise.all([...touched].map((segment) => segment.writer.schedule()));
    return [...removed];
  }

  /** Resolves when no segment write is in flight or queued. */
  async flush(): Promise<void> {
    await Promise.all([...this.#segments.values()].map((segment) => segment.writer.idle()));
  }

  #spliceOne(removed: Set<T>): T[] {
    const [record] = removed;
    this.#order.splice(this.lowerBound(record!.seq), 1);
    return this.#order;
  }

  #openSegment(): Segment<T> {
    if (!this.#open || this.#open.records.length >= this.#options.segmentSize) {
      this.#open = this.#createSegment(this.#nextSegmentNo++, []);
    }
    return this.#open;
  }

  #createSegment(no: number, records: T[]): Segment<T> {
    const path = join(this.#dir, `${String(no).padStart(6, '0')}.json`);
    const segment: Segment<T> = {
      no,
      path,
      db: openJsonFile<SegmentData<T>>(path, { records: [] }),
      records,
      removedMax: 0,
      writer: new CoalescingWriter(() => this.#writeSegment(segment)),
    };
    this.#segments.set(no, segment);
    return segment;
  }

  /** Oldest first, in memory at once; a partly evicted file keeps its stale records until it empties (load skips them). */
  #evictOverflow(): void {
    while (this.#order.length > this.#options.keep) {
      const record = this.#order.shift()!;
      const entry = this.#byId.get(record.id)!;
      this.#byId.delete(record.id);
      this.#evictedThrough = record.seq;
      const segment = entry.segment;
      if (segment.records[0] === record) segment.records.shift();
      else segment.records.splice(segment.records.indexOf(record), 1);
      segment.removedMax = Math.max(segment.removedMax, record.seq);
      this.#options.onRemove?.(record);
      if (segment.records.length === 0 && segment !== this.#open) this.#writeInBackground(segment);
    }
  }

  #writeInBackground(segment: Segment<T>): void {
    segment.writer.schedule().catch((error: unknown) => {
      this.#options.log(`warning: could not update ${segment.path}: ${(error as Error).message}`);
    });
  }

  /** Snapshots the segment synchronously, then writes it (or deletes the file once it is empty). */
  #writeSegment(segment: Segment<T>): Promise<void> {
    const snapshot = segment.records.slice();
    const snapshotMax = snapshot.at(-1)?.seq ?? 0;
    const lowersHighWater = segment.removedMax > snapshotMax;
    segment.removedMax = 0;
    return (async () => {
      // Before a file loses the highest seq it held, meta.json must remember it, or a restart would reuse it.
      if (lowersHighWater) await this.#options.meta.ensureLastSeqDurable();
      if (snapshot.length > 0) {
        segment.db.data = { records: snapshot };
        await segment.db.write();
        return;
      }
      await removeFile(segment.path);
      if (segment.records.length === 0 && segment !== this.#open) this.#segments.delete(segment.no);
    })();
  }

  async #load(meta: { lastSeq: number; evictedThrough: number }): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const numbers = (await readdir(this.#dir))
      .map((name) => /^(\d+)\.json$/.exec(name)?.[1])
      .filter((digits): digits is string => digits !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const isData = (data: unknown): data is SegmentData<T> =>
      typeof data === 'object' && data !== null && Array.isArray((data as SegmentData<T>).records) && (data as SegmentData<T>).records.every(this.#options.isRecord);
    const reads = await Promise.all(numbers.map(async (no) => {
      const segment = this.#createSegment(no, []);
      return { segment, read: await readOrSetAside(segment.db, segment.path, isData, this.#options.log) };
    }));
    this.#lastSeq = meta.lastSeq;
    this.#evictedThrough = meta.evictedThrough;
    this.#nextSegmentNo = (numbers.at(-1) ?? 0) + 1;
    for (const { segment, read } of reads) {
      if (read.kind !== 'ok') {
        this.#segments.delete(segment.no);
        if (read.kind === 'corrupt') this.#lastSeq = Math.max(this.#lastSeq, read.salvagedMaxSeq);
        continue;
      }
      const records = read.data.records.slice().sort((a, b) => a.seq - b.seq);
      for (const record of records) {
        this.#lastSeq = Math.max(this.#lastSeq, record.seq);
        if (record.seq <= this.#evictedThrough || this.#byId.has(record.id)) {
          segment.removedMax = Math.max(segment.removedMax, record.seq);
          continue;
        }
        segment.records.push(record);
        this.#order.push(record);
        this.#byId.set(record.id, { record, segment });
        this.#options.onAdd?.(record);
      }
    }
    this.#order.sort((a, b) => a.seq - b.seq);
    const newest = reads.filter(({ read }) => read.kind === 'ok').at(-1)?.segment;
    this.#open = newest && newest.records.length > 0 ? newest : null;
    this.#evictOverflow();
    for (const segment of [...this.#segments.values()]) {
      if (segment.records.length === 0 && segment !== this.#open) this.#writeInBackground(segment);
    }
  }
}
