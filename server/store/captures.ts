// The captures collection: an index in memory (no bytes), the bytes in blob files, newest-first paging, search, retention.

import { join } from 'node:path';
import type { Capture, CaptureInfo, HeaderPair } from '../../shared/records.ts';
import type { StoredVerdict, Verdict } from '../../shared/verdict.ts';
import { completeVerdict } from '../signature/complete-verdict.ts';
import { BlobFiles, type BlobRef } from './blob-files.ts';
import { clampLimit, makeCaptureFilter, pageCaptures, pageMatches, type CapturePage, type CaptureQuery } from './capture-query.ts';
import type { DeliveryCollectionOptions } from './deliveries.ts';
import type { CollectionMeta } from './meta-file.ts';
import { createInterner } from './intern-strings.ts';
import { SegmentedCollection } from './segmented-collection.ts';

/** A capture as the store takes it: the body as bytes; a verdict's canonical string and fields are not kept. */
export type CaptureDraft = Omit<Capture, 'seq' | 'bodyBase64' | 'verification'> & { body: Buffer; verification: Verdict | StoredVerdict };

/** The index entry: what is in memory and in the segment files; `blob` says where the headers and body are. */
export interface StoredCapture extends CaptureInfo {
  blob: BlobRef & { headerBytes: number };
}

export interface CaptureStore {
  /** Assigns seq; resolves once the bytes and the journal line are written (see segmented-collection.ts). */
  append(draft: CaptureDraft): Promise<CaptureInfo>;
  get(id: string): CaptureInfo | undefined;
  /** The whole capture, bytes read from disk; the canonical string and fields computed again from the body. */
  read(id: string): Promise<Capture | undefined>;
  /** Only the body bytes. */
  readBody(id: string): Promise<Buffer | undefined>;
  /** Newest first; a search (`q`) also reads bodies, yielding between files. */
  list(query: CaptureQuery): Promise<CapturePage>;
  /** Oldest first, seq > the given one. */
  since(seq: number, limit?: number): CaptureInfo[];
  delete(id: string): Promise<boolean>;
  /** Removes every capture; resolves with how many there were. */
  clear(): Promise<number>;
  count(): number;
  /** Bytes counted against the byte budget (headers, body and the stored diagnosis). */
  storedBytes(): number;
  /** The retention limits: captures kept and bytes kept. */
  limits(): { keep: number; maxBytes: number };
  /** Channel labels of stored captures, sorted. */
  channels(): string[];
  /** Records looked at to choose evictions since open (tests prove it does not grow with the store). */
  evictionWork(): number;
  /** Writes every change into the segment files and deletes blob files nothing refers to. */
  checkpoint(): Promise<void>;
}

export interface CaptureCollectionOptions extends DeliveryCollectionOptions {
  /** Bytes kept (headers, bodies, stored diagnosis): beyond it captures are evicted, not validly signed ones first. */
  maxBodyBytes: number;
  /** Called with the ids of captures removed by delete or clear (not by eviction). */
  onRemoved: (ids: string[]) => Promise<void>;
  /** Blob files take no more appends beyond this size. Default 16 MiB. */
  blobFileBytes?: number;
}

/** Body bytes searched per capture: callbacks are about 1 KB. */
const SEARCHED_BODY_BYTES = 32 * 1024;

function isStoredCapture(value: unknown): value is StoredCapture {
  const capture = value as StoredCapture;
  return typeof value === 'object' && value !== null && typeof capture.id === 'string' && Number.isSafeInteger(capture.seq) && capture.seq > 0 &&
    typeof capture.verification === 'object' && capture.verification !== null && typeof capture.summary === 'object' && capture.summary !== null &&
    typeof capture.blob === 'object' && capture.blob !== null && Number.isSafeInteger(capture.blob.file) && Number.isSafeInteger(capture.blob.offset) &&
    Number.isSafeInteger(capture.blob.length) && Number.isSafeInteger(capture.blob.headerBytes);
}

/** What a capture costs against the byte budget: its bytes on disk and the diagnosis text kept with it. */
function costOf(capture: StoredCapture): number {
  return capture.blob.length + (capture.verification.diagnosis?.signedString?.length ?? 0) + (capture.verification.diagnosis?.message.length ?? 0);
}

export async function openCaptures(options: CaptureCollectionOptions, loaded: CollectionMeta): Promise<{ captures: CaptureStore; close: () => Promise<void> }> {
  // A file rolls at an eighth of the bytes kept (64 KiB to 16 MiB): the file being written, whose dead bytes are never
  // reclaimed before it rolls, stays small next to what is kept.
  const maxFileBytes = () => Math.min(options.blobFileBytes ?? 16 * 1024 * 1024, Math.max(64 * 1024, storedBytes / 8));
  const blobs = await BlobFiles.open({ dir: join(options.dataDir, 'captures', 'bodies'), maxFileBytes, fsync: options.fsync });
  const channelCounts = new Map<string, number>();
  /** Per blob file: bytes still referred to. */
  const liveByFile = new Map<number, { bytes: number }>();
  /**
   * Per blob file: appends whose index entry is not in memory yet (bytes being written, or written and waiting for
   * the journal line). Such a file is neither deleted nor compacted, though nothing in memory refers to it yet.
   */
  const unsettled = new Map<number, number>();
  const appendBlob = (bytes: Buffer) => {
    const { ref, written } = blobs.append(bytes);
    unsettled.set(ref.file, (unsettled.get(ref.file) ?? 0) + 1);
    const settle = () => {
      const left = (unsettled.get(ref.file) ?? 1) - 1;
      if (left > 0) unsettled.set(ref.file, left);
      else unsettled.delete(ref.file);
    };
    return { ref, written, settle };
  };
  let storedBytes = 0;
  const intern = createInterner();
  let closing = false;
  const collection = await SegmentedCollection.load<StoredCapture>({
    dataDir: options.dataDir,
    name: 'captures',
    segmentSize: options.segmentSize,
    keep: options.keep,
    maxBytes: options.maxBodyBytes,
    sizeOf: costOf,
    evictionClass: (capture) => (capture.verification.verdict === 'valid' ? 1 : 0),
    checkpointDelayMs: options.checkpointDelayMs,
    fsync: options.fsync,
    meta: options.meta,
    log: options.log,
    recovery: options.recovery,
    isRecord: isStoredCapture,
    isReadable: (capture) => blobs.holds(capture.blob),
    onAdd(capture) {
      intern(capture);
      storedBytes += costOf(capture);
      const live = liveByFile.get(capture.blob.file) ?? { bytes: 0 };
      live.bytes += capture.blob.length;
      liveByFile.set(capture.blob.file, live);
      if (capture.channel !== null) channelCounts.set(capture.channel, (channelCounts.get(capture.channel) ?? 0) + 1);
    },
    onRemove(capture) {
      storedBytes -= costOf(capture);
      const live = liveByFile.get(capture.blob.file);
      if (live) live.bytes -= capture.blob.length;
      if (capture.channel === null) return;
      const left = (channelCounts.get(capture.channel) ?? 1) - 1;
      if (left > 0) channelCounts.set(capture.channel, left);
      else channelCounts.delete(capture.channel);
    },
    afterCheckpoint: () => tidyBlobFiles(),
  }, loaded);

  /**
   * After a checkpoint: deletes blob files nothing refers to, and compacts mostly dead ones when the dead bytes grow
   * (so the bytes on disk stay within twice the bytes kept, whatever the eviction order).
   */
  async function tidyBlobFiles(): Promise<void> {
    for (const file of [...blobs.sizes.keys()]) {
      if (file !== blobs.current && !unsettled.has(file) && (liveByFile.get(file)?.bytes ?? 0) === 0) {
        await blobs.remove(file);
        liveByFile.delete(file);
      }
    }
    if (closing) return;
    const mostlyDead = chooseFilesToCompact();
    if (mostlyDead.size === 0) return;
    // One pass over the index finds who still lives in them (rare: files usually die whole, oldest first).
    const movers: string[] = [];
    for (const capture of collection.ascending(0)) if (mostlyDead.has(capture.blob.file)) movers.push(capture.id);
    // The journal lines naming the new places are written before a file goes, so a crash finds every capture.
    for (const id of movers) await moveBlob(id);
    for (const file of mostlyDead) {
      if ((liveByFile.get(file)?.bytes ?? 0) === 0 && !unsettled.has(file) && !closing) {
        await blobs.remove(file);
        liveByFile.delete(file);
      }
    }
  }

  /**
   * Files to copy the live captures out of, most dead first: none while the sealed files hold at most 1.5x the bytes
   * they keep (oldest-first eviction empties files whole, so copying would only rewrite what is about to go);
   * beyond it, enough of the files more than half dead to come back under it.
   */
  function chooseFilesToCompact(): Set<number> {
    const sealed = [...blobs.sizes].filter(([file]) => file !== blobs.current && !unsettled.has(file)).map(([file, size]) => ({ file, size, live: liveByFile.get(file)?.bytes ?? 0 }));
    let onDisk = sealed.reduce((sum, item) => sum + item.size, 0);
    const live = sealed.reduce((sum, item) => sum + item.live, 0);
    const chosen = new Set<number>();
    if (onDisk <= 1.5 * live) return chosen;
    for (const item of sealed.filter((entry) => entry.live * 2 < entry.size).sort((a, b) => a.live / a.size - b.live / b.size)) {
      if (onDisk <= 1.25 * live) break;
      chosen.add(item.file);
      onDisk -= item.size - item.live;
    }
    return chosen;
  }

  async function moveBlob(id: string): Promise<void> {
    const capture = collection.get(id);
    if (!capture) return;
    const bytes = await blobs.read(capture.blob);
    const { ref, written, settle } = appendBlob(bytes);
    try {
      await written;
      await collection.update(id, (current) => ({ ...current, blob: { ...ref, headerBytes: current.blob.headerBytes } }));
    } finally {
      settle();
    }
  }

  const requireBytes = async (id: string) => {
    const capture = collection.get(id);
    return capture ? { capture, bytes: await blobs.read(capture.blob) } : undefined;
  };

  const captures: CaptureStore = {
    async append(draft) {
      const { body, headers, verification, ...rest } = draft;
      const headerText = Buffer.from(JSON.stringify(headers), 'utf8');
      const { ref, written, settle } = appendBlob(Buffer.concat([headerText, body]));
      try {
        await written;
        // Through JSON and back: the summary's strings are slices of the body's text, and a slice keeps the whole text alive.
        const info = JSON.parse(JSON.stringify({ ...rest, verification: toStoredVerdict(verification) })) as CaptureInfo;
        const stored = await collection.append({ ...info, blob: { ...ref, headerBytes: headerText.length } });
        return toInfo(stored);
      } finally {
        settle();
      }
    },
    get(id) {
      const capture = collection.get(id);
      return capture ? toInfo(capture) : undefined;
    },
    async read(id) {
      const found = await requireBytes(id);
      if (!found) return undefined;
      const { capture, bytes } = found;
      const body = bytes.subarray(capture.blob.headerBytes);
      const { blob: _blob, ...info } = capture;
      return {
        ...info,
        headers: JSON.parse(bytes.subarray(0, capture.blob.headerBytes).toString('utf8')) as HeaderPair[],
        bodyBase64: body.toString('base64'),
        verification: completeVerdict(capture.verification, body),
      };
    },
    async readBody(id) {
      const capture = collection.get(id);
      return capture ? blobs.read(capture.blob, capture.blob.headerBytes) : undefined;
    },
    async list(query) {
      const limit = clampLimit(query.limit);
      const filter = makeCaptureFilter(query);
      const q = query.q?.trim().toLowerCase() || undefined;
      if (!q && !filter) return pageCaptures(collection.descending(query.before), limit, toInfo, collection.size);
      // A filter or a search looks at every capture: over a snapshot, in slices, so the ingress is never held for long.
      const matching = await filterInSlices(collection.snapshot(), filter);
      const found = q ? await searchBodies(matching, q) : null;
      return pageMatches(found ? matching.filter((capture) => found.has(capture.id)) : matching, query.before, limit, toInfo);
    },
    since(seq, limit = Number.MAX_SAFE_INTEGER) {
      const items: CaptureInfo[] = [];
      for (const capture of collection.ascending(seq)) {
        if (items.length >= limit) break;
        items.push(toInfo(capture));
      }
      return items;
    },
    async delete(id) {
      const removed = await collection.remove([id]);
      if (removed.length > 0) await options.onRemoved([id]);
      return removed.length > 0;
    },
    async clear() {
      const removed = await collection.remove([...collection.ascending(0)].map((capture) => capture.id));
      if (removed.length > 0) await options.onRemoved(removed.map((capture) => capture.id));
      return removed.length;
    },
    count: () => collection.size,
    storedBytes: () => storedBytes,
    limits: () => ({ keep: options.keep, maxBytes: options.maxBodyBytes }),
    channels: () => [...channelCounts.keys()].sort(),
    evictionWork: () => collection.evictionWork,
    checkpoint: () => collection.checkpoint(),
  };

  /**
   * Ids of captures (passing `filter`) whose metadata or first body bytes contain `q`. Bodies are read one blob file at
   * a time (the span holding the candidates: one read, not one per capture), yielding to the event loop between files.
   */
  async function searchBodies(records: readonly StoredCapture[], q: string): Promise<Set<string>> {
    const matches = new Set<string>();
    const byFile = new Map<number, StoredCapture[]>();
    for (const [index, capture] of records.entries()) {
      if (index % SLICE === SLICE - 1) await yieldToLoop();
      if (metadataText(capture).includes(q)) matches.add(capture.id);
      else if (byFile.has(capture.blob.file)) byFile.get(capture.blob.file)!.push(capture);
      else byFile.set(capture.blob.file, [capture]);
    }
    for (const [file, candidates] of byFile) {
      const start = Math.min(...candidates.map((capture) => capture.blob.offset));
      const end = Math.max(...candidates.map((capture) => capture.blob.offset + capture.blob.length));
      const span = await blobs.read({ file, offset: start, length: end - start }).catch(() => null);
      for (const capture of candidates) {
        const from = capture.blob.offset - start + capture.blob.headerBytes;
        const body = span?.subarray(from, Math.min(from + SEARCHED_BODY_BYTES, capture.blob.offset - start + capture.blob.length));
        if (body?.toString('utf8').toLowerCase().includes(q)) matches.add(capture.id);
      }
      await yieldToLoop();
    }
    return matches;
  }

  return {
    captures,
    async close() {
      closing = true;
      await collection.close();
      await blobs.close();
    },
  };
}

/** Records looked at between two yields to the event loop in a filter or search (~1 ms of work). */
const SLICE = 5000;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The records `filter` keeps (all when null), oldest first, yielding to the event loop between slices. */
async function filterInSlices<T extends CaptureInfo>(records: T[], filter: ((capture: CaptureInfo) => boolean) | null): Promise<T[]> {
  if (!filter) return records;
  const kept: T[] = [];
  for (let start = 0; start < records.length; start += SLICE) {
    if (start > 0) await yieldToLoop();
    for (const record of records.slice(start, start + SLICE)) if (filter(record)) kept.push(record);
  }
  return kept;
}

function toInfo(capture: StoredCapture): CaptureInfo {
  const { blob: _blob, ...info } = capture;
  return info;
}

function toStoredVerdict(verdict: Verdict | StoredVerdict): StoredVerdict {
  const { canonical: _canonical, fields: _fields, ...stored } = verdict as Verdict;
  return stored;
}

function metadataText(capture: CaptureInfo): string {
  const { summary } = capture;
  return [capture.id, capture.channel ?? '', capture.url, capture.sender, summary.status ?? '', summary.orderId ?? '', summary.paymentId ?? '',
    summary.amount ?? '', summary.currency ?? '', capture.verification.reason].join('\n').toLowerCase();
}
