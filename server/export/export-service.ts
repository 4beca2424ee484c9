// Export of every capture with its deliveries (HAR 1.2 or miahook JSON, streamed) and import of a JSON export.

import type { Capture, Delivery } from '../../shared/records.ts';
import { HttpError } from '../http/http-error.ts';
import type { Store } from '../store/index.ts';
import { streamHarExport, streamJsonExport } from './export-stream.ts';
import { ExportFormatError, readJsonExport } from './json-export.ts';

export interface ExportFile {
  contentType: string;
  fileName: string;
  /** The file's text in chunks, one capture or delivery each. */
  chunks: AsyncIterable<string>;
}

export interface ImportResult {
  imported: number;
  skipped: number;
  deliveries: number;
  /** Captures evicted to make room (only with force). */
  evicted: number;
}

export interface ExportDeps {
  store: Store;
  /** Stores a delivery (redacting credentials and secrets: an imported file is someone else's). */
  appendDelivery: (draft: Omit<Delivery, 'seq'>) => Promise<Delivery>;
  version: string;
  /** The verdict and summary of a body under the keys in use now: an imported file's own are never trusted. */
  judge: (body: Buffer) => Pick<Capture, 'verification' | 'summary' | 'payment'>;
}

export type ExportService = ReturnType<typeof createExportService>;

export function createExportService(deps: ExportDeps) {
  const { store } = deps;
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return {
    exportCaptures(format: string): ExportFile {
      if (format === 'har') return { contentType: 'application/json; charset=utf-8', fileName: `miahook-${stamp()}.har`, chunks: streamHarExport(store, deps.version) };
      if (format === 'json') return { contentType: 'application/json; charset=utf-8', fileName: `miahook-${stamp()}.json`, chunks: streamJsonExport(store) };
      throw new HttpError(400, 'bad_format', 'format must be "har" (for browser devtools) or "json" (for miahook import).');
    },

    /**
     * Adds the captures of a JSON export that are not here yet, and every delivery of a capture in the file that is
     * missing here (so importing again after a crash restores what is missing). Nothing is stored when the file
     * repeats an id, or when it would evict captures already here and `force` is not set.
     */
    async importCaptures(text: string, source: string, options: { force?: boolean } = {}): Promise<ImportResult> {
      let parsed: { captures: Capture[]; deliveries: Delivery[] };
      try {
        parsed = readJsonExport(text);
      } catch (error) {
        if (error instanceof ExportFormatError) throw new HttpError(400, 'bad_export', error.message);
        throw error;
      }
      refuseDuplicates(parsed.captures.map((capture) => capture.id), 'captures');
      refuseDuplicates(parsed.deliveries.map((delivery) => delivery.id), 'deliveries');
      const fresh = parsed.captures.filter((capture) => !store.captures.get(capture.id));
      const evicted = countEvictions(store, fresh);
      if (evicted > 0 && !options.force) {
        const { keep, maxBytes } = store.captures.limits();
        throw new HttpError(409, 'import_would_evict', `Importing ${fresh.length} captures would evict ${evicted} of the ${store.captures.count()} stored here (the store keeps ${keep} captures and ${Math.round(maxBytes / 1024 / 1024)} MiB). Nothing was imported. Import anyway with --force (API: ?force=1), or start miahook with a larger --keep.`);
      }
      // Appends in batches: each batch shares its journal writes instead of waiting for one write per capture.
      await inBatches(fresh, ({ seq: _seq, bodyBase64, verification: _verdict, summary: _summary, payment: _payment, ...rest }) => {
        const body = Buffer.from(bodyBase64, 'base64');
        return store.captures.append({ ...rest, ...deps.judge(body), body, importedFrom: source });
      });
      const inFile = new Set(parsed.captures.map((capture) => capture.id));
      const missing = parsed.deliveries.filter((delivery) => delivery.captureId && inFile.has(delivery.captureId) && store.captures.get(delivery.captureId) && !store.deliveries.has(delivery.id));
      await inBatches(missing, ({ seq: _seq, ...draft }) => deps.appendDelivery(draft));
      return { imported: fresh.length, skipped: parsed.captures.length - fresh.length, deliveries: missing.length, evicted };
    },
  };
}

function refuseDuplicates(ids: string[], what: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new HttpError(400, 'duplicate_id', `The file holds ${what} id ${id} more than once, so it was not written by miahook export (or was edited). Nothing was imported; remove the repeated entry and import again.`);
    seen.add(id);
  }
}

/** How many stored captures the import would push out (by count or by bytes), a conservative estimate. */
function countEvictions(store: Store, fresh: readonly Capture[]): number {
  const { keep, maxBytes } = store.captures.limits();
  const count = store.captures.count();
  const byCount = Math.max(0, count + fresh.length - keep);
  const addedBytes = fresh.reduce((sum, capture) => sum + capture.size + JSON.stringify(capture.headers).length, 0);
  const overBytes = store.captures.storedBytes() + addedBytes - maxBytes;
  if (overBytes <= 0 || count === 0) return Math.min(count, byCount);
  const average = store.captures.storedBytes() / count;
  return Math.min(count, Math.max(byCount, Math.ceil(overBytes / Math.max(1, average))));
}

async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<unknown>, size = 500): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}
