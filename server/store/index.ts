// The durable store under the data dir: captures, deliveries and payments; appends acknowledged by a journal, segment files by lowdb.

import { ensurePrivateDir } from '../data-dir/private-files.ts';
import type { Capture, CaptureInfo, Delivery, DeliveryKind, PaymentRecord } from '../../shared/records.ts';
import type { CapturePage, CaptureQuery } from './capture-query.ts';
import { openCaptures, type CaptureDraft, type CaptureStore } from './captures.ts';
import type { Recovery } from './load-collection.ts';
import { openDeliveries, type DeliveryStore } from './deliveries.ts';
import { MetaFile } from './meta-file.ts';
import { openPayments, type PaymentStore } from './payments.ts';

export type { CaptureDraft, CapturePage, CaptureQuery, CaptureStore, DeliveryStore, PaymentStore, Recovery };
export type { Capture, CaptureInfo, Delivery, DeliveryKind, PaymentRecord };

export const DEFAULT_KEEP = 10_000;
export const DEFAULT_SEGMENT_SIZE = 50;
/** From the first change not yet in a segment file to the checkpoint that writes it. */
export const DEFAULT_CHECKPOINT_DELAY_MS = 300;
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
/** Deliveries are kept up to this many times `keep`, oldest evicted first. */
export const DELIVERIES_PER_KEPT_CAPTURE = 5;
/** And up to this many bytes of request and answer bodies (deliveries are held in memory: an app's answers are up to 64 KiB each). */
export const DELIVERY_BYTES = 64 * 1024 * 1024;

export interface StoreOptions {
  dataDir: string;
  /** Captures kept; the oldest are evicted beyond it. Default 10,000. */
  keep?: number;
  /** Body bytes of the kept captures (default 256 MiB): a flood of large bodies evicts old captures instead of filling memory. */
  maxBodyBytes?: number;
  /** Blob files (capture bytes) take no more appends beyond this size. Default 16 MiB. */
  blobFileBytes?: number;
  /** Records per segment file. Default 50. */
  segmentSize?: number;
  /** Warnings (a corrupt file moved aside, a torn journal line ignored, a failed checkpoint). */
  log?: (line: string) => void;
  /** Delay from the first change to the checkpoint that writes changed segment files. Default 300 ms. */
  checkpointDelayMs?: number;
  /**
   * fdatasync each journal write before acknowledging it, and segment files before a journal file is
   * deleted: acknowledged data then survives power loss, not only a crash. Default false (page cache,
   * as lowdb's writes). meta.json and payments.json are not synced either way.
   */
  fsync?: boolean;
}

export interface Store {
  captures: CaptureStore;
  deliveries: DeliveryStore;
  payments: PaymentStore;
  /** What opening found in damaged segment files (records read back, damaged lines, files set aside). */
  recovery: Recovery;
  /** Checkpoints every change into the segment files (the journal files then go) and flushes the rest; idempotent. */
  close(): Promise<void>;
}

/**
 * Opens (or creates) the store under `dataDir`. Every record is held in memory. A capture or delivery
 * change is acknowledged after one append to the collection's journal file; checkpoints then rewrite
 * only the segment files changed (tmp file + rename, by lowdb's JSONFile) and drop the journal files they
 * replace; opening replays what the journal holds beyond the segments. One process per data dir: take
 * the data-dir lock (server/data-dir/lock.ts) before opening.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  const keep = positiveInteger(options.keep ?? DEFAULT_KEEP, 'keep');
  const segmentSize = positiveInteger(options.segmentSize ?? DEFAULT_SEGMENT_SIZE, 'segmentSize');
  const checkpointDelayMs = nonNegative(options.checkpointDelayMs ?? DEFAULT_CHECKPOINT_DELAY_MS, 'checkpointDelayMs');
  const log = options.log ?? ((line: string) => console.warn(line));
  await ensurePrivateDir(options.dataDir);
  const { meta, loaded, salvagedMaxSeq } = await MetaFile.open(options.dataDir, log);
  // A damaged meta.json: the seqs its text still shows must not be handed out again.
  for (const collection of [loaded.captures, loaded.deliveries]) collection.lastSeq = Math.max(collection.lastSeq, salvagedMaxSeq);
  const recovery: Recovery = { recovered: 0, lost: 0, setAside: [] };
  const shared = { dataDir: options.dataDir, segmentSize, checkpointDelayMs, fsync: options.fsync ?? false, meta, log, recovery };
  const deliveries = await openDeliveries({ ...shared, keep: keep * DELIVERIES_PER_KEPT_CAPTURE, maxBytes: DELIVERY_BYTES }, loaded.deliveries);
  const maxBodyBytes = positiveInteger(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes');
  const captures = await openCaptures({ ...shared, keep, maxBodyBytes, blobFileBytes: options.blobFileBytes, onRemoved: deliveries.removeForCaptures }, loaded.captures);
  const payments = await openPayments(options.dataDir, log);

  let closing: Promise<void> | null = null;
  const guard = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => (...args: A): Promise<R> =>
    closing ? Promise.reject(new Error('The store is closed.')) : fn(...args);
  return {
    captures: {
      ...captures.captures,
      append: guard(captures.captures.append),
      delete: guard(captures.captures.delete),
      clear: guard(captures.captures.clear),
    },
    deliveries: { ...deliveries.deliveries, append: guard(deliveries.deliveries.append) },
    payments: { ...payments.payments, put: guard(payments.payments.put) },
    recovery,
    close() {
      closing ??= (async () => {
        // Captures first: a capture delete still in flight may remove deliveries.
        await captures.close();
        await Promise.all([deliveries.close(), payments.flush()]);
        await meta.flush();
      })();
      return closing;
    },
  };
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number of at least 0, got ${value}.`);
  return value;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of at least 1, got ${value}.`);
  return value;
}
