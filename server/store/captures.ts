// The captures collection: durable appends, lookups, newest-first paging with filters and search, channels.

import type { Capture } from '../../shared/records.ts';
import { buildSearchText, clampLimit, makeCaptureFilter, pageCaptures, type CapturePage, type CaptureQuery } from './capture-query.ts';
import type { DeliveryCollectionOptions } from './deliveries.ts';
import type { CollectionMeta } from './meta-file.ts';
import { SegmentedCollection } from './segmented-collection.ts';

export interface CaptureStore {
  /** Assigns seq; resolves once the journal write holding the capture has returned (see segmented-collection.ts). */
  append(draft: Omit<Capture, 'seq'>): Promise<Capture>;
  get(id: string): Capture | undefined;
  /** Newest first. */
  list(query: CaptureQuery): CapturePage;
  /** Oldest first, seq > the given one. */
  since(seq: number, limit?: number): Capture[];
  update(id: string, change: (capture: Capture) => Capture): Promise<Capture | undefined>;
  delete(id: string): Promise<boolean>;
  /** Removes every capture; resolves with how many there were. */
  clear(): Promise<number>;
  count(): number;
  /** Channel labels of stored captures, sorted. */
  channels(): string[];
}

export interface CaptureCollectionOptions extends DeliveryCollectionOptions {
  /** Body bytes kept in memory and on disk; the oldest captures are evicted beyond it. */
  maxBodyBytes: number;
  /** Called with the ids of captures removed by delete or clear (not by eviction). */
  onRemoved: (ids: string[]) => Promise<void>;
}

function isCapture(value: unknown): value is Capture {
  const capture = value as Capture;
  return typeof value === 'object' && value !== null && typeof capture.id === 'string' && Number.isSafeInteger(capture.seq) && capture.seq > 0 &&
    typeof capture.bodyBase64 === 'string' && Array.isArray(capture.headers) && typeof capture.verification === 'object' && capture.verification !== null &&
    typeof capture.summary === 'object' && capture.summary !== null;
}

export async function openCaptures(options: CaptureCollectionOptions, loaded: CollectionMeta): Promise<{ captures: CaptureStore; close: () => Promise<void> }> {
  const searchTexts = new WeakMap<Capture, string>();
  const channelCounts = new Map<string, number>();
  let bodyBytes = 0;
  const collection = await SegmentedCollection.load<Capture>({
    dataDir: options.dataDir,
    name: 'captures',
    segmentSize: options.segmentSize,
    keep: options.keep,
    checkpointDelayMs: options.checkpointDelayMs,
    fsync: options.fsync,
    meta: options.meta,
    log: options.log,
    isRecord: isCapture,
    overBudget: () => bodyBytes > options.maxBodyBytes,
    onAdd(capture) {
      bodyBytes += capture.size;
      searchTexts.set(capture, buildSearchText(capture));
      if (capture.channel !== null) channelCounts.set(capture.channel, (channelCounts.get(capture.channel) ?? 0) + 1);
    },
    onRemove(capture) {
      bodyBytes -= capture.size;
      if (capture.channel === null) return;
      const left = (channelCounts.get(capture.channel) ?? 1) - 1;
      if (left > 0) channelCounts.set(capture.channel, left);
      else channelCounts.delete(capture.channel);
    },
  }, loaded);
  const searchText = (capture: Capture) => searchTexts.get(capture) ?? buildSearchText(capture);

  const captures: CaptureStore = {
    async append(draft) {
      // When full (by count or by body bytes), captures that are not validly signed (forged, unsigned, junk) go
      // before genuine ones, so a flood cannot push out the callbacks miaPOS will never send again.
      const junk = pickJunkToEvict(collection.records, collection.size, bodyBytes + draft.size, options);
      if (junk.length === 0) return collection.append(draft);
      const ids = junk.map((capture) => capture.id);
      const removing = collection.remove(ids).then(() => options.onRemoved(ids));
      const appended = collection.append(draft);
      await removing;
      return appended;
    },
    get: (id) => collection.get(id),
    list(query) {
      const endIndex = query.before === undefined ? collection.size : collection.lowerBound(query.before);
      return pageCaptures(collection.records, endIndex, clampLimit(query.limit), makeCaptureFilter(query, searchText));
    },
    since(seq, limit) {
      const start = collection.lowerBound(seq + 1);
      return collection.records.slice(start, limit === undefined ? undefined : start + Math.max(0, limit));
    },
    update: (id, change) => collection.update(id, change),
    async delete(id) {
      const removed = await collection.remove([id]);
      if (removed.length > 0) await options.onRemoved([id]);
      return removed.length > 0;
    },
    async clear() {
      const removed = await collection.remove(collection.records.map((capture) => capture.id));
      if (removed.length > 0) await options.onRemoved(removed.map((capture) => capture.id));
      return removed.length;
    },
    count: () => collection.size,
    channels: () => [...channelCounts.keys()].sort(),
  };
  return { captures, close: () => collection.close() };
}

/** The oldest captures that are not validly signed, as many as it takes to make room (none when there is room). */
function pickJunkToEvict(records: readonly Capture[], count: number, bytesAfter: number, limits: { keep: number; maxBodyBytes: number }): Capture[] {
  const junk: Capture[] = [];
  for (const capture of records) {
    if (count < limits.keep && bytesAfter <= limits.maxBodyBytes) break;
    if (capture.verification.verdict === 'valid') continue;
    junk.push(capture);
    count -= 1;
    bytesAfter -= capture.size;
  }
  return junk;
}
