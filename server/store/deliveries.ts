// The deliveries collection: durable appends, per-capture lookup and a newest-first recent list.

import type { Delivery, DeliveryKind } from '../../shared/records.ts';
import type { Log } from './json-files.ts';
import type { Recovery } from './load-collection.ts';
import type { CollectionMeta, MetaFile } from './meta-file.ts';
import { SegmentedCollection } from './segmented-collection.ts';

export interface DeliveryStore {
  /** Assigns seq; resolves once the journal write holding the delivery has returned. */
  append(draft: Omit<Delivery, 'seq'>): Promise<Delivery>;
  /** Oldest first. */
  listForCapture(captureId: string): Delivery[];
  /** Newest first; limit defaults to 50. */
  listRecent(filter?: { kind?: DeliveryKind; limit?: number }): Delivery[];
  count(): number;
  has(id: string): boolean;
}

/** Where and how a collection keeps its files (captures add their own limits to it). */
export interface DeliveryCollectionOptions {
  dataDir: string;
  keep: number;
  segmentSize: number;
  checkpointDelayMs: number;
  fsync: boolean;
  meta: MetaFile;
  log: Log;
  /** Bytes of bodies kept (base64 text), beyond which the oldest go. */
  maxBytes?: number;
  /** Counts of what damaged segment files gave back at open (shown in /api/status). */
  recovery: Recovery;
}

function isDelivery(value: unknown): value is Delivery {
  const delivery = value as Delivery;
  return typeof value === 'object' && value !== null && typeof delivery.id === 'string' && Number.isSafeInteger(delivery.seq) && delivery.seq > 0 &&
    typeof delivery.kind === 'string' && typeof delivery.request === 'object' && delivery.request !== null;
}

export async function openDeliveries(options: DeliveryCollectionOptions, loaded: CollectionMeta): Promise<{
  deliveries: DeliveryStore;
  /** Removes the deliveries of these captures (after a delete or clear). */
  removeForCaptures: (captureIds: string[]) => Promise<void>;
  close: () => Promise<void>;
}> {
  const byCapture = new Map<string, Set<string>>();
  const collection = await SegmentedCollection.load<Delivery>({
    ...options,
    name: 'deliveries',
    sizeOf: (delivery) => delivery.request.bodyBase64.length + (delivery.response?.bodyBase64.length ?? 0),
    isRecord: isDelivery,
    onAdd(delivery) {
      if (delivery.captureId === undefined) return;
      const ids = byCapture.get(delivery.captureId) ?? new Set();
      byCapture.set(delivery.captureId, ids.add(delivery.id));
    },
    onRemove(delivery) {
      if (delivery.captureId === undefined) return;
      const ids = byCapture.get(delivery.captureId);
      ids?.delete(delivery.id);
      if (ids?.size === 0) byCapture.delete(delivery.captureId);
    },
  }, loaded);

  const deliveries: DeliveryStore = {
    append: (draft) => collection.append(draft),
    listForCapture(captureId) {
      const ids = byCapture.get(captureId);
      if (!ids) return [];
      return [...ids].map((id) => collection.get(id)!).sort((a, b) => a.seq - b.seq);
    },
    listRecent(filter = {}) {
      const limit = Math.max(1, filter.limit ?? 50);
      const items: Delivery[] = [];
      for (const delivery of collection.descending()) {
        if (items.length >= limit) break;
        if (filter.kind === undefined || delivery.kind === filter.kind) items.push(delivery);
      }
      return items;
    },
    count: () => collection.size,
    has: (id) => collection.get(id) !== undefined,
  };
  async function removeForCaptures(captureIds: string[]): Promise<void> {
    const ids = captureIds.flatMap((captureId) => [...(byCapture.get(captureId) ?? [])]);
    if (ids.length > 0) await collection.remove(ids);
  }
  return { deliveries, removeForCaptures, close: () => collection.close() };
}
