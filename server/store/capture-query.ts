// Filters and newest-first paging over stored captures (the search itself, which reads bodies, is in captures.ts).

import type { CaptureInfo } from '../../shared/records.ts';
import type { VerdictKind } from '../../shared/verdict.ts';

export interface CaptureQuery {
  /** Default 50, at most 500. */
  limit?: number;
  /** Seq cursor: only captures with seq < before. */
  before?: number;
  /** Case-insensitive text over summary fields, channel, id, url, sender, verdict reason and the body text. */
  q?: string;
  /** A channel label; '' selects captures sent to plain /callback (no channel). */
  channel?: string;
  /** summary.status, case-insensitive. */
  status?: string;
  verdict?: VerdictKind;
}

export interface CapturePage {
  items: CaptureInfo[];
  /** Pass as `before` to get the next page; null when this page is the last. */
  nextBefore: number | null;
  /** Captures matching the filters and q, ignoring the cursor and limit. */
  total: number;
}

/** A predicate for the query's filters other than `q` (null: none given). */
export function makeCaptureFilter(query: CaptureQuery): ((capture: CaptureInfo) => boolean) | null {
  const status = query.status?.toLowerCase();
  const channel = query.channel === undefined ? undefined : query.channel === '' ? null : query.channel;
  if (status === undefined && channel === undefined && query.verdict === undefined) return null;
  return (capture) =>
    (channel === undefined || capture.channel === channel) &&
    (query.verdict === undefined || capture.verification.verdict === query.verdict) &&
    (status === undefined || capture.summary.status?.toLowerCase() === status);
}

/**
 * A page, newest first, from `newestFirst` (records newest first): without a filter it reads the page and one
 * more record; with one it reads every record, since `total` counts every match (cursor and limit aside).
 */
export function pageCaptures<T extends CaptureInfo>(newestFirst: Iterable<T>, before: number | undefined, limit: number, filter: ((capture: T) => boolean) | null, toItem: (record: T) => CaptureInfo, size: number): CapturePage {
  const items: CaptureInfo[] = [];
  let nextBefore: number | null = null;
  let total = 0;
  let last: T | undefined;
  for (const capture of newestFirst) {
    if (filter && !filter(capture)) continue;
    total++;
    if (before !== undefined && capture.seq >= before) continue;
    if (items.length < limit) {
      items.push(toItem(capture));
      last = capture;
      continue;
    }
    nextBefore ??= last!.seq;
    if (!filter) break;
  }
  return { items, nextBefore, total: filter ? total : size };
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 50;
  return Math.min(500, Math.max(1, Math.floor(limit)));
}
