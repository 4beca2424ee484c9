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
  // Statuses repeat (SUCCESS, PENDING...): lowercase each distinct one once, not once per capture.
  const lowered = new Map<string, string>();
  const lower = (text: string) => lowered.get(text) ?? lowered.set(text, text.toLowerCase()).get(text)!;
  return (capture) =>
    (channel === undefined || capture.channel === channel) &&
    (query.verdict === undefined || capture.verification.verdict === query.verdict) &&
    (status === undefined || (capture.summary.status !== undefined && lower(capture.summary.status) === status));
}

/** The newest page without filters: `newestFirst` starts below the cursor; reads the page and one more record. */
export function pageCaptures<T extends CaptureInfo>(newestFirst: Iterable<T>, limit: number, toItem: (record: T) => CaptureInfo, size: number): CapturePage {
  const items: CaptureInfo[] = [];
  let nextBefore: number | null = null;
  for (const capture of newestFirst) {
    if (items.length === limit) {
      nextBefore = items.at(-1)!.seq;
      break;
    }
    items.push(toItem(capture));
  }
  return { items, nextBefore, total: size };
}

/** A page, newest first, of `matched` (every match, oldest first): `total` is all of them, the cursor and limit aside. */
export function pageMatches<T extends CaptureInfo>(matched: readonly T[], before: number | undefined, limit: number, toItem: (record: T) => CaptureInfo): CapturePage {
  let end = matched.length;
  if (before !== undefined) {
    let low = 0;
    while (low < end) {
      const middle = (low + end) >>> 1;
      if (matched[middle]!.seq < before) low = middle + 1;
      else end = middle;
    }
  }
  const start = Math.max(0, end - limit);
  const items = matched.slice(start, end).reverse().map(toItem);
  return { items, nextBefore: start > 0 && items.length > 0 ? items.at(-1)!.seq : null, total: matched.length };
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 50;
  return Math.min(500, Math.max(1, Math.floor(limit)));
}
