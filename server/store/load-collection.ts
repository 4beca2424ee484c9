// Loads a collection at open: its segment files (a corrupt one set aside), then every journal file replayed over them.

import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openJsonFile, readOrSetAside, type Log } from './json-files.ts';
import { readJournals } from './journal-lines.ts';
import type { CollectionMeta } from './meta-file.ts';

export interface SeqRecord {
  id: string;
  seq: number;
}

export interface SegmentData<T> {
  records: T[];
}

export function segmentPath(dir: string, no: number): string {
  return join(dir, `${String(no).padStart(6, '0')}.json`);
}

export interface LoadedCollection<T> {
  /** Segment number -> its records, ascending seq: every segment file read, and every segment the journal names. */
  segments: Map<number, T[]>;
  /** Segments the journal changed: their files are rewritten at the next checkpoint. */
  dirty: Set<number>;
  /** Per segment, the highest seq its file holds that memory no longer does (its rewrite must not lower the high-water mark). */
  removedMax: Map<number, number>;
  lastSeq: number;
  /** Next free segment number (past set-aside files too). */
  nextSegmentNo: number;
  /** The segment appends continue in: the newest one, when it holds records. */
  openNo: number | null;
  /** Journal files replayed (delete them once a checkpoint holds their records), and the number for the next one. */
  journal: { paths: string[]; nextNo: number };
}

export interface LoadOptions<T> {
  dir: string;
  isRecord: (value: unknown) => value is T;
  log: Log;
  meta: CollectionMeta;
}

/**
 * Segments first (a record at or below `evictedThrough`, or seen in an older segment, is dropped), then the
 * journal entries in order: a put adds or replaces a record, a delete removes records. Replaying entries a
 * checkpoint already wrote changes nothing, so a crash at any point of a checkpoint loses nothing.
 */
export async function loadCollection<T extends SeqRecord>({ dir, isRecord, log, meta }: LoadOptions<T>): Promise<LoadedCollection<T>> {
  await mkdir(dir, { recursive: true });
  const numbers = (await readdir(dir))
    .map((name) => /^(\d+)\.json$/.exec(name)?.[1])
    .filter((digits): digits is string => digits !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const isData = (data: unknown): data is SegmentData<T> =>
    typeof data === 'object' && data !== null && Array.isArray((data as SegmentData<T>).records) && (data as SegmentData<T>).records.every(isRecord);
  const reads = await Promise.all(numbers.map(async (no) => {
    const path = segmentPath(dir, no);
    return { no, read: await readOrSetAside(openJsonFile<SegmentData<T>>(path, { records: [] }), path, isData, log) };
  }));

  let lastSeq = meta.lastSeq;
  let maxNo = numbers.at(-1) ?? 0;
  const held = new Map<string, { record: T; no: number }>();
  const segmentNos = new Set<number>();
  const removedMax = new Map<number, number>();
  const dirty = new Set<number>();
  const drop = (no: number, seq: number) => removedMax.set(no, Math.max(removedMax.get(no) ?? 0, seq));

  for (const { no, read } of reads) {
    if (read.kind === 'corrupt') lastSeq = Math.max(lastSeq, read.salvagedMaxSeq);
    if (read.kind !== 'ok') continue;
    segmentNos.add(no);
    for (const record of read.data.records.slice().sort((a, b) => a.seq - b.seq)) {
      lastSeq = Math.max(lastSeq, record.seq);
      if (record.seq <= meta.evictedThrough || held.has(record.id)) drop(no, record.seq);
      else held.set(record.id, { record, no });
    }
  }

  const journal = await readJournals(dir, isRecord, log);
  lastSeq = Math.max(lastSeq, journal.salvagedMaxSeq);
  for (const entry of journal.entries) {
    if (entry.op === 'delete') {
      lastSeq = Math.max(lastSeq, entry.maxSeq);
      for (const id of entry.ids) {
        const found = held.get(id);
        if (!found) continue;
        held.delete(id);
        dirty.add(found.no);
        drop(found.no, found.record.seq);
      }
      continue;
    }
    lastSeq = Math.max(lastSeq, entry.seq);
    maxNo = Math.max(maxNo, entry.seg);
    if (entry.seq <= meta.evictedThrough) continue;
    const found = held.get(entry.record.id);
    if (found && found.record.seq !== entry.seq) continue;
    const no = found?.no ?? entry.seg;
    held.set(entry.record.id, { record: entry.record, no });
    dirty.add(no);
  }

  const segments = new Map<number, T[]>();
  for (const no of [...segmentNos, ...dirty].sort((a, b) => a - b)) segments.set(no, []);
  for (const { record, no } of held.values()) segments.get(no)!.push(record);
  for (const records of segments.values()) records.sort((a, b) => a.seq - b.seq);
  const newest = [...segments.keys()].at(-1);
  return {
    segments,
    dirty,
    removedMax,
    lastSeq,
    nextSegmentNo: maxNo + 1,
    openNo: newest !== undefined && segments.get(newest)!.length > 0 ? newest : null,
    journal: { paths: journal.paths, nextNo: journal.nextNo },
  };
}
