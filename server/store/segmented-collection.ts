// A collection of records with store-assigned seq: held in memory, acknowledged through a journal, checkpointed into capped segment files.

import { join } from 'node:path';
import { CheckpointScheduler } from './checkpoint-scheduler.ts';
import type { Log } from './json-files.ts';
import { Journal } from './journal.ts';
import { formatDelete, formatPut } from './journal-lines.ts';
import { loadCollection, type LoadedCollection, type SeqRecord } from './load-collection.ts';
import type { CollectionMeta, CollectionName, MetaFile } from './meta-file.ts';
import { createSegment, removeFiles, syncSegments, type Segment } from './segment-file.ts';

export type { SeqRecord };

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
  /** True while the records in memory exceed a size budget: the oldest are evicted until it is false (the newest stays). */
  overBudget?: () => boolean;
  /** From the first change not yet in a segment file to the checkpoint that writes it. */
  checkpointDelayMs: number;
  /** fdatasync journal writes before acknowledging them, and segment files before a journal file is deleted. */
  fsync: boolean;
}

/**
 * A change is made in memory, appended to the journal (`<dir>/journal-<n>.jsonl`) and acknowledged when
 * that one append has returned. A checkpoint, `checkpointDelayMs` after the first change it covers (and at
 * close), seals the journal file, rewrites only the segments changed since the last one (tmp file + rename,
 * by lowdb), and then deletes the journal files those writes made redundant. Opening replays the journal.
 */
export class SegmentedCollection<T extends SeqRecord> {
  #options: CollectionOptions<T>;
  #dir: string;
  #byId = new Map<string, { record: T; segment: Segment<T> }>();
  /** Every record in memory, ascending seq. */
  #order: T[] = [];
  #segments = new Map<number, Segment<T>>();
  #open: Segment<T> | null = null;
  #nextSegmentNo: number;
  #lastSeq: number;
  #evictedThrough: number;
  #journal: Journal;
  #checkpoints: CheckpointScheduler;
  /** Segments changed since the last checkpoint took its list. */
  #dirty = new Set<Segment<T>>();
  /** Sealed journal files, every entry of which is in memory: deleted once a checkpoint has written every dirty segment. */
  #replaced: string[] = [];
  #failing = false;

  private constructor(options: CollectionOptions<T>, loaded: LoadedCollection<T>, meta: CollectionMeta) {
    this.#options = options;
    this.#dir = join(options.dataDir, options.name);
    this.#lastSeq = loaded.lastSeq;
    this.#evictedThrough = meta.evictedThrough;
    this.#nextSegmentNo = loaded.nextSegmentNo;
    options.meta.register(options.name, () => ({ lastSeq: this.#lastSeq, evictedThrough: this.#evictedThrough }));
    this.#journal = new Journal({ dir: this.#dir, firstNo: loaded.journal.nextNo, fsync: options.fsync });
    this.#checkpoints = new CheckpointScheduler(() => this.#checkpoint(), options.checkpointDelayMs);
    for (const [no, records] of loaded.segments) {
      const segment = this.#createSegment(no, records);
      segment.removedMax = loaded.removedMax.get(no) ?? 0;
      for (const record of records) {
        this.#order.push(record);
        this.#byId.set(record.id, { record, segment });
      }
    }
    this.#order.sort((a, b) => a.seq - b.seq);
    for (const record of this.#order) options.onAdd?.(record);
    this.#open = loaded.openNo === null ? null : this.#segments.get(loaded.openNo) ?? null;
    this.#evictOverflow();
    for (const segment of this.#segments.values()) {
      if (loaded.dirty.has(segment.no) || (segment.records.length === 0 && segment !== this.#open)) this.#markDirty(segment);
    }
    this.#replaced = loaded.journal.paths;
    if (this.#replaced.length > 0) this.#checkpoints.request();
  }

  /** Loads the segment files (a corrupt one is moved aside with a warning) and replays the journal over them. */
  static async load<T extends SeqRecord>(options: CollectionOptions<T>, meta: CollectionMeta): Promise<SegmentedCollection<T>> {
    const loaded = await loadCollection<T>({ dir: join(options.dataDir, options.name), isRecord: options.isRecord, log: options.log, meta });
    return new SegmentedCollection(options, loaded, meta);
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

  /** Assigns the next seq; resolves once the journal write holding the record has returned. */
  async append(draft: Omit<T, 'seq'>): Promise<T> {
    if (this.#byId.has(draft.id)) throw new Error(`A record with id ${draft.id} is already stored in ${this.#options.name}.`);
    const record = { ...draft, seq: ++this.#lastSeq } as T;
    const segment = this.#openSegment();
    segment.records.push(record);
    this.#order.push(record);
    this.#byId.set(record.id, { record, segment });
    this.#options.onAdd?.(record);
    const written = this.#journal.append(formatPut(segment.no, record));
    this.#markDirty(segment);
    this.#evictOverflow();
    try {
      await written;
    } catch (error) {
      // Not in the journal, so not acknowledged: it must not reach a segment at the next checkpoint either.
      this.#forget(record);
      throw error;
    }
    return record;
  }

  /** Drops a record from memory (and from its segment's next write) without a journal entry. */
  #forget(record: T): void {
    const entry = this.#byId.get(record.id);
    if (entry?.record !== record) return;
    this.#byId.delete(record.id);
    this.#order.splice(this.lowerBound(record.seq), 1);
    entry.segment.records = entry.segment.records.filter((kept) => kept !== record);
    this.#options.onRemove?.(record);
    this.#markDirty(entry.segment);
  }

  /** Replaces a record (id and seq are kept); resolves once the change is in the journal. */
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
    const written = this.#journal.append(formatPut(entry.segment.no, next));
    this.#markDirty(entry.segment);
    await written;
    return next;
  }

  /** Removes records by id; resolves with those removed once the removal is in the journal. */
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
    const written = this.#journal.append(formatDelete([...removed]));
    for (const segment of touched) this.#markDirty(segment);
    await written;
    return [...removed];
  }

  /** Runs a last checkpoint: every change is then in the segment files and the journal files are gone. */
  close(): Promise<void> {
    return this.#checkpoints.runNow();
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
    const segment = createSegment(this.#dir, no, records, this.#options.meta, (emptied) => {
      if (emptied.records.length === 0 && emptied !== this.#open) this.#segments.delete(emptied.no);
    });
    this.#segments.set(no, segment);
    return segment;
  }

  #markDirty(segment: Segment<T>): void {
    this.#dirty.add(segment);
    this.#checkpoints.request();
  }

  /** Oldest first, in memory at once; a partly evicted file keeps its stale records until it empties (load skips them). */
  #evictOverflow(): void {
    while (this.#order.length > this.#options.keep || (this.#order.length > 1 && this.#options.overBudget?.())) {
      const record = this.#order.shift()!;
      const entry = this.#byId.get(record.id)!;
      this.#byId.delete(record.id);
      this.#evictedThrough = record.seq;
      const segment = entry.segment;
      if (segment.records[0] === record) segment.records.shift();
      else segment.records.splice(segment.records.indexOf(record), 1);
      segment.removedMax = Math.max(segment.removedMax, record.seq);
      this.#options.onRemove?.(record);
      if (segment.records.length === 0 && segment !== this.#open) this.#markDirty(segment);
    }
  }

  /**
   * Seals the journal file (every entry in it is then in memory), writes the dirty segments one at a time
   * (so the event loop pauses for one segment's JSON at most), and only when all were written deletes the
   * sealed journal files. A failed write keeps the journal files and is retried after the delay.
   */
  async #checkpoint(): Promise<void> {
    this.#replaced.push(...await this.#journal.seal());
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    const failed: Segment<T>[] = [];
    let problem = '';
    for (const segment of dirty) {
      try {
        await segment.writer.schedule();
      } catch (error) {
        failed.push(segment);
        problem ||= (error as Error).message;
      }
    }
    if (failed.length === 0 && this.#options.fsync) {
      await syncSegments(this.#dir, dirty).catch((error: unknown) => {
        failed.push(...dirty);
        problem = (error as Error).message;
      });
    }
    if (failed.length === 0) {
      const removal = await removeFiles(this.#replaced.splice(0));
      this.#replaced.unshift(...removal.left);
      problem = removal.problem;
    }
    if (problem === '') {
      this.#failing = false;
      return;
    }
    for (const segment of failed) this.#markDirty(segment);
    if (failed.length === 0) this.#checkpoints.request();
    if (!this.#failing) this.#options.log(`warning: a checkpoint of ${this.#dir} failed (${problem}); its journal files keep every change and it is retried.`);
    this.#failing = true;
  }
}
