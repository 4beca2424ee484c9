// Loads a collection at open: its segment files (a corrupt one set aside), then every journal file replayed over them.

import { mkdir, readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { maxSeqInText, setAside, type Log } from './json-files.ts';
import { readJournals } from './journal-lines.ts';
import type { CollectionMeta } from './meta-file.ts';

/** What opening found damaged: records read back out of damaged files, records that could not be, and where the files went. */
export interface Recovery {
  recovered: number;
  lost: number;
  setAside: string[];
}

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

/**
 * Valid JSON with one record per line, each with a hash of its text: a damaged file still gives back every line
 * that parses and matches its hash (a cut can splice two lines of the same shape into one that parses).
 */
export function stringifySegment<T>(data: SegmentData<T>): string {
  return `{"v":2,"records":[\n${data.records.map((record) => formatLine(JSON.stringify(record))).join(',\n')}\n]}\n`;
}

function formatLine(json: string): string {
  return `["${hashLine(json)}",${json}]`;
}

function hashLine(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 12);
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
  /** Counts of what damaged segment files gave back; added to. */
  recovery: Recovery;
}

/**
 * Segments first (a record at or below `evictedThrough`, or seen in an older segment, is dropped), then the
 * journal entries in order: a put adds or replaces a record, a delete removes records. Replaying entries a
 * checkpoint already wrote changes nothing, so a crash at any point of a checkpoint loses nothing.
 */
export async function loadCollection<T extends SeqRecord>({ dir, isRecord, log, meta, recovery }: LoadOptions<T>): Promise<LoadedCollection<T>> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const numbers = (await readdir(dir))
    .map((name) => /^(\d+)\.json$/.exec(name)?.[1])
    .filter((digits): digits is string => digits !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const reads: Array<{ no: number; read: SegmentRead<T> }> = [];
  // One file at a time: the largest moment of memory is one segment's text.
  for (const no of numbers) reads.push({ no, read: await readSegment(segmentPath(dir, no), isRecord, log, recovery) });

  let lastSeq = meta.lastSeq;
  let maxNo = numbers.at(-1) ?? 0;
  const held = new Map<string, { record: T; no: number }>();
  const segmentNos = new Set<number>();
  const removedMax = new Map<number, number>();
  const dirty = new Set<number>();
  const drop = (no: number, seq: number) => removedMax.set(no, Math.max(removedMax.get(no) ?? 0, seq));

  for (const { no, read } of reads) {
    lastSeq = Math.max(lastSeq, read.salvagedMaxSeq);
    segmentNos.add(no);
    if (read.damaged) dirty.add(no);
    for (const record of read.records.slice().sort((a, b) => a.seq - b.seq)) {
      lastSeq = Math.max(lastSeq, record.seq);
      if (record.seq <= meta.evictedThrough || held.has(record.id)) drop(no, record.seq);
      else held.set(record.id, { record, no });
    }
  }

  const journal = await readJournals(dir, isRecord, log);
  lastSeq = Math.max(lastSeq, journal.salvagedMaxSeq);
  const removeIds = (ids: string[]) => {
    for (const id of ids) {
      const found = held.get(id);
      if (!found) continue;
      held.delete(id);
      dirty.add(found.no);
      drop(found.no, found.record.seq);
    }
  };
  for (const entry of journal.entries) {
    if (entry.op === 'delete') {
      lastSeq = Math.max(lastSeq, entry.maxSeq);
      removeIds(entry.ids);
      continue;
    }
    removeIds(entry.evict);
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

interface SegmentRead<T> {
  records: T[];
  /** The file did not parse as a whole: what it gave back is rewritten at the next checkpoint. */
  damaged: boolean;
  /** Highest seq in text that could not be used, never handed out again. */
  salvagedMaxSeq: number;
}

/**
 * Reads one segment file. When it does not parse (a torn or cut file), every line that still parses as a
 * record is kept, the file is moved to `<path>.corrupt-<time>` and the counts go to `recovery`.
 */
async function readSegment<T>(path: string, isRecord: (value: unknown) => value is T, log: Log, recovery: Recovery): Promise<SegmentRead<T>> {
  const text = await readFile(path, 'utf8');
  const whole = parseWhole(text, isRecord);
  if (whole) return { records: whole, damaged: false, salvagedMaxSeq: 0 };
  const records: T[] = [];
  let lost = 0;
  let salvagedMaxSeq = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim().replace(/,$/, '');
    if (trimmed === '' || trimmed === '{"v":2,"records":[' || trimmed === '{"records":[' || trimmed === ']}') continue;
    const record = parseRecordLine(trimmed, isRecord);
    if (record) {
      records.push(record);
      continue;
    }
    lost += 1;
    salvagedMaxSeq = Math.max(salvagedMaxSeq, maxSeqInText(line));
  }
  const aside = await setAside(path);
  recovery.recovered += records.length;
  recovery.lost += lost;
  recovery.setAside.push(aside);
  log(`warning: ${path} was damaged: ${records.length} records were read back from it and ${lost} damaged lines could not be. The file was moved to ${aside}; what was read back is written again.`);
  return { records, damaged: true, salvagedMaxSeq };
}

/** The records of an intact file (version 2 with every hash matching, or the older plain list); null when damaged. */
function parseWhole<T>(text: string, isRecord: (value: unknown) => value is T): T[] | null {
  let data: { v?: unknown; records?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch {
    return null;
  }
  if (!Array.isArray(data?.records)) return null;
  if (data.v !== 2) return data.records.every(isRecord) ? (data.records as T[]) : null;
  const records: T[] = [];
  for (const entry of data.records as unknown[]) {
    const record = checkEntry(entry, isRecord);
    if (!record) return null;
    records.push(record);
  }
  return records;
}

function checkEntry<T>(entry: unknown, isRecord: (value: unknown) => value is T): T | null {
  if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || !isRecord(entry[1])) return null;
  return hashLine(JSON.stringify(entry[1])) === entry[0] ? entry[1] : null;
}

function parseRecordLine<T>(line: string, isRecord: (value: unknown) => value is T): T | null {
  try {
    const value: unknown = JSON.parse(line);
    return Array.isArray(value) ? checkEntry(value, isRecord) : isRecord(value) ? value : null;
  } catch {
    return null;
  }
}
