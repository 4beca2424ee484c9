// Search and filters over stored captures: a lowercase search text is computed once per capture, never per query.

import type { Capture } from '../../shared/records.ts';
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
  items: Capture[];
  /** Pass as `before` to get the next page; null when this page is the last. */
  nextBefore: number | null;
  /** Captures matching the filters and q, ignoring the cursor and limit. */
  total: number;
}

/** Body bytes beyond this are not searched (callbacks are about 1 KB; this bounds memory per capture). */
export const SEARCHED_BODY_BYTES = 32 * 1024;

export function buildSearchText(capture: Capture): string {
  const { summary } = capture;
  const body = Buffer.from(capture.bodyBase64, 'base64').subarray(0, SEARCHED_BODY_BYTES).toString('utf8');
  return [
    capture.id,
    capture.channel ?? '',
    capture.url,
    capture.sender,
    summary.status ?? '',
    summary.orderId ?? '',
    summary.paymentId ?? '',
    summary.amount ?? '',
    summary.currency ?? '',
    capture.verification.reason,
    body,
  ].join('\n').toLowerCase();
}

/** A predicate for the query's filters; `searchText` gives the precomputed text of a capture. */
export function makeCaptureFilter(query: CaptureQuery, searchText: (capture: Capture) => string): ((capture: Capture) => boolean) | null {
  const q = query.q?.trim().toLowerCase() || undefined;
  const status = query.status?.toLowerCase();
  const channel = query.channel === undefined ? undefined : query.channel === '' ? null : query.channel;
  if (q === undefined && status === undefined && channel === undefined && query.verdict === undefined) return null;
  return (capture) =>
    (channel === undefined || capture.channel === channel) &&
    (query.verdict === undefined || capture.verification.verdict === query.verdict) &&
    (status === undefined || capture.summary.status?.toLowerCase() === status) &&
    (q === undefined || searchText(capture).includes(q));
}

/** Newest first from `records` (ascending seq); `endIndex` excludes records at or after the cursor. */
export function pageCaptures(records: readonly Capture[], endIndex: number, limit: number, filter: ((capture: Capture) => boolean) | null): CapturePage {
  const items: Capture[] = [];
  let nextBefore: number | null = null;
  let total = filter ? 0 : records.length;
  for (let index = filter ? records.length - 1 : endIndex - 1; index >= 0; index--) {
    const capture = records[index]!;
    if (filter && !filter(capture)) continue;
    if (filter) total++;
    if (index >= endIndex) continue;
    if (items.length < limit) {
      items.push(capture);
      continue;
    }
    nextBefore ??= items.at(-1)!.seq;
    if (!filter) break;
  }
  return { items, nextBefore, total };
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 50;
  return Math.min(500, Math.max(1, Math.floor(limit)));
}
