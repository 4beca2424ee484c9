// One segment file `<dir>/<000001>.json` written through lowdb: a snapshot of its records, or removed once empty.

import type { Low } from 'lowdb';
import { CoalescingWriter } from './coalescing-writer.ts';
import { openJsonFile, removeFile, syncDir, syncFile } from './json-files.ts';
import { segmentPath, stringifySegment, type SegmentData } from './load-collection.ts';
import type { MetaFile } from './meta-file.ts';

/** Records in seq order; only changed segments are rewritten. */
export interface Segment<T> {
  no: number;
  path: string;
  db: Low<SegmentData<T>>;
  records: T[];
  /** Highest seq removed since the last write started: the write must not lower the data dir's high-water mark. */
  removedMax: number;
  /** `schedule()` writes a snapshot taken when the write starts. */
  writer: CoalescingWriter;
}

/** `onEmptied` runs after the file of a segment left with no records was removed. */
export function createSegment<T extends { seq: number }>(dir: string, no: number, records: T[], meta: MetaFile, onEmptied: (segment: Segment<T>) => void): Segment<T> {
  const path = segmentPath(dir, no);
  const segment: Segment<T> = {
    no,
    path,
    db: openJsonFile<SegmentData<T>>(path, { records: [] }, stringifySegment),
    records,
    removedMax: 0,
    writer: new CoalescingWriter(() => writeSegment(segment, meta, onEmptied)),
  };
  return segment;
}

/** Snapshots the segment synchronously, then writes it (tmp file + rename) or deletes the file once it is empty. */
function writeSegment<T extends { seq: number }>(segment: Segment<T>, meta: MetaFile, onEmptied: (segment: Segment<T>) => void): Promise<void> {
  const snapshot = segment.records.slice();
  const snapshotMax = snapshot.at(-1)?.seq ?? 0;
  const removedMax = segment.removedMax;
  segment.removedMax = 0;
  return (async () => {
    // Before a file loses the highest seq it held, meta.json must remember it, or a restart would reuse it.
    if (removedMax > snapshotMax) await meta.ensureLastSeqDurable();
    if (snapshot.length > 0) {
      segment.db.data = { records: snapshot };
      await segment.db.write();
      return;
    }
    await removeFile(segment.path);
    onEmptied(segment);
  })().catch((error: unknown) => {
    // The retry must still guard the high-water mark.
    segment.removedMax = Math.max(segment.removedMax, removedMax);
    throw error;
  });
}

/** fdatasync of the segment files (those that exist) and of their folder. */
export async function syncSegments<T>(dir: string, segments: Segment<T>[]): Promise<void> {
  for (const segment of segments) {
    await syncFile(segment.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  await syncDir(dir);
}

/** Deletes files in order; returns those left (from the first that failed) and the problem, if any. */
export async function removeFiles(paths: string[]): Promise<{ left: string[]; problem: string }> {
  for (const [index, path] of paths.entries()) {
    try {
      await removeFile(path);
    } catch (error) {
      return { left: paths.slice(index), problem: (error as Error).message };
    }
  }
  return { left: [], problem: '' };
}
