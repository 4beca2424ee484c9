// The journal's line format, and reading a collection's journal files back at open (torn tail skipped, damage set aside).

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maxSeqInText, setAside, type Log } from './json-files.ts';
import { JOURNAL_NAME } from './journal.ts';

/**
 * `put` stores or replaces a record in segment `seg`, after removing the records `evict` names (made room for
 * it); `delete` removes records (`maxSeq`: the highest seq among them).
 */
export type JournalEntry<T> =
  | { op: 'put'; seq: number; seg: number; record: T; evict: string[] }
  | { op: 'delete'; maxSeq: number; ids: string[] };

/** `seq` comes first so that even a torn line still tells which seq it held. */
export function formatPut<T extends { seq: number }>(seg: number, record: T, evict: string[] = []): string {
  return JSON.stringify(evict.length === 0 ? { op: 'put', seq: record.seq, seg, record } : { op: 'put', seq: record.seq, seg, evict, record });
}

export function formatDelete(records: ReadonlyArray<{ id: string; seq: number }>): string {
  const maxSeq = records.reduce((max, record) => Math.max(max, record.seq), 0);
  return JSON.stringify({ op: 'delete', maxSeq, ids: records.map((record) => record.id) });
}

export interface JournalReading<T> {
  /** Every usable entry, in the order written (files by number, lines in order). */
  entries: JournalEntry<T>[];
  /** The journal files read and left in place: delete them once a checkpoint holds what they hold. */
  paths: string[];
  /** Number for the next journal file: above every journal file in the folder, set-aside ones included. */
  nextNo: number;
  /** Highest seq seen in text that could not be used (a torn or damaged line): never handed out again. */
  salvagedMaxSeq: number;
}

/** Reads `dir`'s journal files, oldest first. A damaged file is moved aside with a warning after its readable lines are taken. */
export async function readJournals<T extends { seq: number }>(dir: string, isRecord: (value: unknown) => value is T, log: Log): Promise<JournalReading<T>> {
  const names = await readdir(dir);
  const numbered = names
    .map((name) => ({ name, no: Number(/^journal-(\d+)\.jsonl/.exec(name)?.[1] ?? NaN) }))
    .filter(({ no }) => Number.isSafeInteger(no));
  const reading: JournalReading<T> = { entries: [], paths: [], nextNo: numbered.reduce((max, { no }) => Math.max(max, no), 0) + 1, salvagedMaxSeq: 0 };
  const live = numbered.filter(({ name }) => JOURNAL_NAME.test(name)).sort((a, b) => a.no - b.no);
  for (const { name } of live) await readJournalFile(join(dir, name), isRecord, log, reading);
  return reading;
}

async function readJournalFile<T extends { seq: number }>(path: string, isRecord: (value: unknown) => value is T, log: Log, reading: JournalReading<T>): Promise<void> {
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  if (tail !== '') {
    reading.salvagedMaxSeq = Math.max(reading.salvagedMaxSeq, maxSeqInText(tail));
    log(`warning: ${path} ends with an incomplete line (${Buffer.byteLength(tail)} bytes), a write cut short when miahook stopped; it was never acknowledged and was ignored.`);
  }
  let damaged = 0;
  let firstDamaged = 0;
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const entry = parseEntry(line, isRecord);
    if (entry) {
      reading.entries.push(entry);
      return;
    }
    damaged += 1;
    firstDamaged ||= index + 1;
    reading.salvagedMaxSeq = Math.max(reading.salvagedMaxSeq, maxSeqInText(line));
  });
  if (damaged === 0) {
    reading.paths.push(path);
    return;
  }
  const aside = await setAside(path);
  log(`warning: ${path} could not be fully read: ${damaged} of its ${lines.length} lines are damaged (the first is line ${firstDamaged}). Its readable lines were loaded, and the file was moved to ${aside}; nothing in it was deleted.`);
}

function parseEntry<T extends { seq: number }>(line: string, isRecord: (value: unknown) => value is T): JournalEntry<T> | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const entry = value as Record<string, unknown>;
  const evict = entry.evict ?? [];
  if (entry.op === 'put' && isRecord(entry.record) && entry.seq === entry.record.seq && isPositive(entry.seg) && isIdList(evict)) {
    return { op: 'put', seq: entry.record.seq, seg: entry.seg, record: entry.record, evict };
  }
  if (entry.op === 'delete' && isIdList(entry.ids) && Number.isSafeInteger(entry.maxSeq) && (entry.maxSeq as number) >= 0) {
    return { op: 'delete', maxSeq: entry.maxSeq as number, ids: entry.ids as string[] };
  }
  return null;
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((id) => typeof id === 'string');
}

function isPositive(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}
