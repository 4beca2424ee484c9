// Export as a stream of text chunks (one capture or delivery each): no single giant string, the event loop free between them.

import type { Capture, Delivery } from '../../shared/records.ts';
import type { Store } from '../store/index.ts';
import { buildCaptureEntry, buildDeliveryEntry, describeHarLog } from './har.ts';
import { EXPORT_FORMAT, EXPORT_VERSION } from './json-export.ts';

/** Every capture still stored, oldest first, read from disk one at a time (one deleted meanwhile is skipped). */
async function* readCaptures(store: Store): AsyncGenerator<Capture> {
  let after = 0;
  for (;;) {
    const page = store.captures.since(after, 100);
    if (page.length === 0) return;
    for (const info of page) {
      const capture = await store.captures.read(info.id);
      if (capture) yield capture;
    }
    after = page.at(-1)!.seq;
  }
}

/** The miahook JSON export (what `miahook import` reads), as chunks. */
export async function* streamJsonExport(store: Store, now = new Date()): AsyncGenerator<string> {
  yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},"exportedAt":${JSON.stringify(now.toISOString())},"captures":[`;
  const deliveries: Delivery[] = [];
  let separator = '';
  for await (const capture of readCaptures(store)) {
    yield `${separator}\n${JSON.stringify(capture)}`;
    separator = ',';
    deliveries.push(...store.deliveries.listForCapture(capture.id));
  }
  yield '\n],"deliveries":[';
  separator = '';
  for (const delivery of deliveries) {
    yield `${separator}\n${JSON.stringify(delivery)}`;
    separator = ',';
  }
  yield '\n]}\n';
}

/** HAR 1.2 as chunks: capture entries (oldest first) merged by time with the deliveries made of them. */
export async function* streamHarExport(store: Store, version: string): AsyncGenerator<string> {
  const { version: harVersion, creator, comment } = describeHarLog({ version });
  yield `{"log":{"version":${JSON.stringify(harVersion)},"creator":${JSON.stringify(creator)},"comment":${JSON.stringify(comment)},"entries":[`;
  const pending: Delivery[] = [];
  let separator = '';
  const entry = (json: unknown) => {
    const text = `${separator}\n${JSON.stringify(json)}`;
    separator = ',';
    return text;
  };
  for await (const capture of readCaptures(store)) {
    pending.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    while (pending.length > 0 && Date.parse(pending[0]!.startedAt) < Date.parse(capture.receivedAt)) yield entry(buildDeliveryEntry(pending.shift()!));
    yield entry(buildCaptureEntry(capture));
    pending.push(...store.deliveries.listForCapture(capture.id));
  }
  pending.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  for (const delivery of pending) yield entry(buildDeliveryEntry(delivery));
  yield '\n]}}\n';
}
