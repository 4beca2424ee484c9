// A collection of records with store-assigned seq: held in memory, changed only after its journal line is written, checkpointed into capped segment files.

import { join } from 'node:path';
import { CheckpointScheduler } from './checkpoint-scheduler.ts';
import { EvictionQueues } from './eviction-queues.ts';
import type { Log } from './json-files.ts';
import { Journal } from './journal.ts';
import { formatDelete, formatPut } from './journal-lines.ts';
import { loadCollection, type LoadedCollection, type Recovery, type SeqRecord } from './load-collection.ts';
import type { CollectionMeta, CollectionName, MetaFile } from './meta-file.ts';
import { createSegment, removeFiles, syncSegments, type Segment } from './segment-file.ts';
import { SeqOrder } from './seq-order.ts';

export type { SeqRecord };

export interface CollectionOptions<T> {
  dataDir: string;
  name: CollectionName;
  segmentSize: number;
  keep: number;
  meta: MetaFile;
  log: Log;
  isRecord: (value: unknown) => value is T;
  /** Counts of what damaged segment files gave back at open; added to. */
  recovery: Recovery;
  /** At open, after the journal is replayed: false drops a record whose data cannot be read (counted as lost). */
  isReadable?: (record: T) => boolean;
  /** Called for each record entering or leaving memory (indexes of the owner). */
  onAdd?: (record: T) => void;
  onRemove?: (record: T) => void;
  /** Bytes a record costs against `maxBytes` (default 0). */
  sizeOf?: (record: T) => number;
  /** Records are evicted beyond this many bytes too (the newest always stays). */
  maxBytes?: number;
  /** Eviction class of a record, 0 first: when full, the oldest record of the lowest class goes (default: one class). */
  evictionClass?: (record: T) => 0 | 1;
  /** From the first change not yet in a segment file to the checkpoint that writes it. */
  checkpointDelayMs: number;
  /** fdatasync journal writes before acknowledging them, and segment files before a journal file is deleted. */
  fsync: boolean;
  /** Runs after each checkpoint that wrote every change (files the owner may now delete). */
  afterCheckpoint?: () => Promise<void>;
}

interface Entry<T> {
  record: T;
  segment: Segment<T>;
}

/**
 * Every change (append, update, remove, and the evictions an append makes room with) is one journal line
 * (`<dir>/journal-<n>.jsonl`); memory changes only once that line is written, so it never holds what the
 * journal does not. A checkpoint, `checkpointDelayMs` after the first change it covers (and at close), seals
 * the journal file, rewrites only the segments changed since the last one (tmp file + rename, by lowdb), and
 * then deletes the journal files those writes made redundant. Opening replays the journal.
 */
export class SegmentedCollection<T extends SeqRecord> {
  #options: CollectionOptions<T>;
  #dir: string;
  #byId = new Map<string, Entry<T>>();
  #order = new SeqOrder<T>();
  #queues: EvictionQueues<T>;
  #segments = new Map<number, Segment<T>>();
  #open: Segment<T> | null = null;
  /** Appends to the open segment whose journal line is not written yet. */
  #openPending = 0;
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
  /** Appends whose journal line is not written yet, by id: they can already be chosen for eviction by later appends. */
  #pending = new Map<string, T>();
  /** Records chosen for eviction by an append whose line is not written yet. */
  #doomed = new Set<string>();
  /** Count and bytes once every write in flight has landed: eviction decisions are made against these. */
  #planned = { count: 0, bytes: 0 };

  private constructor(options: CollectionOptions<T>, loaded: LoadedCollection<T>, meta: CollectionMeta) {
    this.#options = options;
    this.#dir = join(options.dataDir, options.name);
    this.#lastSeq = loaded.lastSeq;
    this.#evictedThrough = meta.evictedThrough;
    this.#nextSegmentNo = loaded.nextSegmentNo;
    this.#queues = new EvictionQueues<T>(2, options.evictionClass ?? (() => 0));
    options.meta.register(options.name, () => ({ lastSeq: this.#lastSeq, evictedThrough: this.#evictedThrough }));
    this.#journal = new Journal({ dir: this.#dir, firstNo: loaded.journal.nextNo, fsync: options.fsync });
    this.#checkpoints = new CheckpointScheduler(() => this.#checkpoint(), options.checkpointDelayMs);
    const all: Array<Entry<T>> = [];
    let unreadable = 0;
    for (const [no, records] of loaded.segments) {
      const segment = this.#createSegment(no);
      segment.removedMax = loaded.removedMax.get(no) ?? 0;
      for (const record of records) {
        if (options.isReadable?.(record) === false) {
          unreadable += 1;
          segment.removedMax = Math.max(segment.removedMax, record.seq);
          loaded.dirty.add(no);
          continue;
        }
        all.push({ record, segment });
      }
    }
    if (unreadable > 0) {
      options.recovery.lost += unreadable;
      options.log(`warning: ${unreadable} records in ${this.#dir} name data that is gone (a file deleted or cut by hand); they were dropped.`);
    }
    all.sort((a, b) => a.record.seq - b.record.seq);
    for (const entry of all) this.#insert(entry.record, entry.segment);
    this.#open = loaded.openNo === null ? null : this.#segments.get(loaded.openNo) ?? null;
    this.#trimAtLoad();
    for (const segment of this.#segments.values()) {
      if (loaded.dirty.has(segment.no) || (segment.records.length === 0 && segment !== this.#open)) this.#markDirty(segment);
    }
    this.#replaced = loaded.journal.paths;
    if (this.#replaced.length > 0) this.#checkpoints.request();
  }

  /** Loads the segment files (a damaged one keeps what still parses, see load-collection.ts) and replays the journal over them. */
  static async load<T extends SeqRecord>(options: CollectionOptions<T>, meta: CollectionMeta): Promise<SegmentedCollection<T>> {
    const loaded = await loadCollection<T>({ dir: join(options.dataDir, options.name), isRecord: options.isRecord, log: options.log, meta, recovery: options.recovery });
    return new SegmentedCollection(options, loaded, meta);
  }

  get size(): number {
    return this.#order.size;
  }

  /** Records looked at to choose evictions since open: stays proportional to evictions, never to the store's size. */
  get evictionWork(): number {
    return this.#queues.touched;
  }

  get(id: string): T | undefined {
    return this.#byId.get(id)?.record;
  }

  /** Oldest first, seq > `afterSeq`. */
  ascending(afterSeq = 0): Generator<T> {
    return this.#order.ascending(afterSeq);
  }

  /** Every record, oldest first: a copy, safe to walk across awaits. */
  snapshot(): T[] {
    return this.#order.toArray();
  }

  /** Newest first, seq < `beforeSeq`. */
  descending(beforeSeq?: number): Generator<T> {
    return this.#order.descending(beforeSeq);
  }

  /**
   * Assigns the next seq and writes one journal line holding the record and the records evicted to make room
   * for it (not validly signed ones first, by `evictionClass`); resolves once that line is written and memory
   * holds the change. A failed write changes nothing in memory.
   */
  async append(draft: Omit<T, 'seq'>): Promise<T> {
    if (this.#byId.has(draft.id) || this.#pending.has(draft.id)) throw new Error(`A record with id ${draft.id} is already stored in ${this.#options.name}.`);
    const record = { ...draft, seq: ++this.#lastSeq } as T;
    const segment = this.#reserveSlot();
    const size = this.#sizeOf(record);
    this.#planned.count += 1;
    this.#planned.bytes += size;
    // Earlier appends still being written may be chosen too: their lines come first in the journal, so they
    // are in memory by the time this line is applied (and replayed in the same order at open).
    const victims = this.#chooseVictims();
    this.#pending.set(record.id, record);
    this.#queues.push(record);
    const line = formatPut(segment.no, record, victims.map((victim) => victim.id));
    try {
      await this.#journal.append(line, () => {
        this.#pending.delete(record.id);
        for (const victim of victims) this.#drop(victim.id);
        this.#insert(record, segment, false);
        this.#markDirty(segment);
      });
    } catch (error) {
      this.#pending.delete(record.id);
      for (const victim of victims) this.#doomed.delete(victim.id);
      // Rare (a failed write): counted again from what is there, since a later append may have chosen this one.
      const living = [...this.#order.ascending(0), ...this.#pending.values()].sort((a, b) => a.seq - b.seq);
      this.#queues.rebuild(living);
      const planned = living.filter((entry) => !this.#doomed.has(entry.id));
      this.#planned = { count: planned.length, bytes: planned.reduce((sum, entry) => sum + this.#sizeOf(entry), 0) };
      throw error;
    } finally {
      if (segment === this.#open) this.#openPending -= 1;
    }
    return record;
  }

  /** Replaces a record (id and seq are kept); resolves once the change is in the journal and in memory. */
  async update(id: string, change: (record: T) => T): Promise<T | undefined> {
    const entry = this.#byId.get(id);
    // A record an append in flight evicts is gone once that line lands: an update written after it would bring it back at open.
    if (!entry || this.#doomed.has(id)) return undefined;
    const old = entry.record;
    const next = { ...change(old), id: old.id, seq: old.seq };
    await this.#journal.append(formatPut(entry.segment.no, next), () => {
      const current = this.#byId.get(id);
      if (current?.record !== old) return;
      current.record = next;
      current.segment.records[current.segment.records.indexOf(old)] = next;
      this.#order.replace(old, next);
      this.#planned.bytes += this.#sizeOf(next) - this.#sizeOf(old);
      this.#options.onRemove?.(old);
      this.#options.onAdd?.(next);
      this.#markDirty(current.segment);
    });
    return next;
  }

  /** Removes records by id; resolves with those removed once the removal is in the journal and in memory. */
  async remove(ids: Iterable<string>): Promise<T[]> {
    const records = [...new Set(ids)].map((id) => this.#byId.get(id)?.record).filter((record): record is T => record !== undefined);
    if (records.length === 0) return [];
    const removed: T[] = [];
    await this.#journal.append(formatDelete(records), () => {
      for (const record of records) {
        const dropped = this.#drop(record.id);
        if (dropped) removed.push(dropped);
      }
    });
    return removed;
  }

  /** Runs a last checkpoint: every change is then in the segment files and the journal files are gone. */
  close(): Promise<void> {
    return this.#checkpoints.runNow();
  }

  /** Waits for a checkpoint of every change made so far (segments written, journal files deleted). */
  checkpoint(): Promise<void> {
    return this.close();
  }

  #sizeOf(record: T): number {
    return this.#options.sizeOf?.(record) ?? 0;
  }

  /** Pops what must go so the planned state fits `keep` and `maxBytes`; the record being appended is never among them. */
  #chooseVictims(): T[] {
    const victims: T[] = [];
    const maxBytes = this.#options.maxBytes ?? Number.POSITIVE_INFINITY;
    while (this.#planned.count > this.#options.keep || (this.#planned.bytes > maxBytes && this.#planned.count > 1)) {
      const victim = this.#queues.pop((record) => this.#isLive(record) && !this.#doomed.has(record.id));
      if (!victim) break;
      this.#doomed.add(victim.id);
      victims.push(victim);
      this.#planned.count -= 1;
      this.#planned.bytes -= this.#sizeOf(victim);
    }
    return victims;
  }

  /**
   * In memory, or an append still being written. By id: an update (a capture's bytes moved) replaces the object but
   * keeps its place in the eviction queue.
   */
  #isLive(record: T): boolean {
    return this.#byId.has(record.id) || this.#pending.has(record.id);
  }

  /** Puts a record in memory (its segment's list, the order, the indexes); appends entered the eviction queue already. */
  #insert(record: T, segment: Segment<T>, enqueue = true): void {
    segment.records.push(record);
    this.#order.push(record);
    this.#byId.set(record.id, { record, segment });
    if (enqueue) this.#queues.push(record);
    this.#options.onAdd?.(record);
  }

  /** Takes a record out of memory, whatever object holds its id now; its segment is rewritten at the next checkpoint. */
  #drop(id: string): T | undefined {
    const entry = this.#byId.get(id);
    const wasDoomed = this.#doomed.delete(id);
    if (!entry) return undefined;
    const { record, segment } = entry;
    if (!wasDoomed) {
      this.#planned.count -= 1;
      this.#planned.bytes -= this.#sizeOf(record);
    }
    this.#byId.delete(id);
    this.#order.remove(record);
    segment.records.splice(segment.records.indexOf(record), 1);
    segment.removedMax = Math.max(segment.removedMax, record.seq);
    this.#options.onRemove?.(record);
    this.#markDirty(segment);
    return record;
  }

  #reserveSlot(): Segment<T> {
    if (!this.#open || this.#open.records.length + this.#openPending >= this.#options.segmentSize) {
      this.#open = this.#createSegment(this.#nextSegmentNo++);
      this.#openPending = 0;
    }
    this.#openPending += 1;
    return this.#open;
  }

  #createSegment(no: number): Segment<T> {
    // Starts empty: #insert adds the loaded records in seq order with the indexes.
    const segment = createSegment<T>(this.#dir, no, [], this.#options.meta, (emptied) => {
      if (emptied.records.length === 0 && emptied !== this.#open) this.#segments.delete(emptied.no);
    });
    this.#segments.set(no, segment);
    return segment;
  }

  #markDirty(segment: Segment<T>): void {
    this.#dirty.add(segment);
    this.#checkpoints.request();
  }

  /** At open, beyond the limits (they were lowered): the oldest go, recorded by `evictedThrough` (load drops them next time). */
  #trimAtLoad(): void {
    this.#planned = { count: this.#order.size, bytes: 0 };
    for (const record of this.#order.ascending(0)) this.#planned.bytes += this.#sizeOf(record);
    const maxBytes = this.#options.maxBytes ?? Number.POSITIVE_INFINITY;
    while (this.#planned.count > this.#options.keep || (this.#planned.count > 1 && this.#planned.bytes > maxBytes)) {
      const record = this.#order.first()!;
      this.#evictedThrough = record.seq;
      this.#drop(record.id);
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
    if (problem === '' && this.#options.afterCheckpoint) {
      await this.#options.afterCheckpoint().catch((error: unknown) => {
        problem = (error as Error).message;
      });
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
