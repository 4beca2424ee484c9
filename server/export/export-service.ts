// Export of every capture with its deliveries (HAR 1.2 or miahook JSON) and import of a JSON export.

import type { Capture, Delivery } from '../../shared/records.ts';
import { HttpError } from '../http/http-error.ts';
import type { Store } from '../store/index.ts';
import { buildHar } from './har.ts';
import { buildJsonExport, ExportFormatError, readJsonExport } from './json-export.ts';

export interface ExportFile {
  contentType: string;
  fileName: string;
  body: string;
}

export type ExportService = ReturnType<typeof createExportService>;

export function createExportService(store: Store, version: string) {
  const allCaptures = (): Capture[] => store.captures.since(0, Number.MAX_SAFE_INTEGER);
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return {
    exportCaptures(format: string): ExportFile {
      const captures = allCaptures();
      if (format === 'har') {
        const har = buildHar(captures, (id) => store.deliveries.listForCapture(id), { version });
        return { contentType: 'application/json; charset=utf-8', fileName: `miahook-${stamp()}.har`, body: JSON.stringify(har, null, 2) };
      }
      if (format === 'json') {
        const deliveries: Delivery[] = captures.flatMap((capture) => store.deliveries.listForCapture(capture.id));
        return { contentType: 'application/json; charset=utf-8', fileName: `miahook-${stamp()}.json`, body: JSON.stringify(buildJsonExport(captures, deliveries)) };
      }
      throw new HttpError(400, 'bad_format', 'format must be "har" (for browser devtools) or "json" (for miahook import).');
    },

    /** Adds the captures of a JSON export (ids already present are skipped); returns what was added. */
    async importCaptures(text: string, source: string): Promise<{ imported: number; skipped: number }> {
      let parsed: { captures: Capture[]; deliveries: Delivery[] };
      try {
        parsed = readJsonExport(text);
      } catch (error) {
        if (error instanceof ExportFormatError) throw new HttpError(400, 'bad_export', error.message);
        throw error;
      }
      const fresh = parsed.captures.filter((capture) => !store.captures.get(capture.id));
      const added = new Set(fresh.map((capture) => capture.id));
      // Appends in batches: each batch shares its segment writes instead of waiting for one write per capture.
      await inBatches(fresh, ({ seq: _seq, ...draft }) => store.captures.append({ ...draft, importedFrom: source }));
      await inBatches(parsed.deliveries.filter((delivery) => delivery.captureId && added.has(delivery.captureId)), ({ seq: _seq, ...draft }) => store.deliveries.append(draft));
      return { imported: fresh.length, skipped: parsed.captures.length - fresh.length };
    },
  };
}

async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<unknown>, size = 500): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}
