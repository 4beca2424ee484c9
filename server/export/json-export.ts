// The miahook JSON export: captures and deliveries as stored, and a reader that checks the shape of an imported file.
// Threat model: an imported file comes from someone else; every field the app relies on is type-checked here.

import type { Capture, Delivery, DeliveryKind } from '../../shared/records.ts';

export const EXPORT_FORMAT = 'miahook-export';
export const EXPORT_VERSION = 1;

export interface JsonExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  captures: Capture[];
  deliveries: Delivery[];
}

export class ExportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportFormatError';
  }
}

const DELIVERY_KINDS: readonly DeliveryKind[] = ['emulator-callback', 'replay', 'forward', 'check'];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function buildJsonExport(captures: readonly Capture[], deliveries: readonly Delivery[], options: { now?: Date } = {}): JsonExport {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: (options.now ?? new Date()).toISOString(),
    captures: [...captures],
    deliveries: [...deliveries],
  };
}

/** Parses and checks an export; throws ExportFormatError naming the first wrong field and what was expected. */
export function readJsonExport(text: string): { captures: Capture[]; deliveries: Delivery[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ExportFormatError(`The file is not JSON (${(error as Error).message}). Import a file written by "miahook export --format json".`);
  }
  const root = expectObject(data, 'the file');
  if (root.format !== EXPORT_FORMAT) {
    throw new ExportFormatError(`The file is not a miahook export (its "format" is ${JSON.stringify(root.format)}, expected "${EXPORT_FORMAT}"). A HAR file cannot be imported: export with --format json.`);
  }
  if (root.version !== EXPORT_VERSION) {
    throw new ExportFormatError(`The export is version ${JSON.stringify(root.version)}; this miahook reads version ${EXPORT_VERSION}. Use the miahook version that wrote it, or a newer one.`);
  }
  const captures = expectArray(root.captures, 'captures').map((item, i) => checkCapture(item, `captures[${i}]`));
  const deliveries = expectArray(root.deliveries, 'deliveries').map((item, i) => checkDelivery(item, `deliveries[${i}]`));
  return { captures, deliveries };
}

function checkCapture(value: unknown, path: string): Capture {
  const capture = expectObject(value, path);
  for (const key of ['id', 'receivedAt', 'method', 'url', 'remoteAddress', 'sender'] as const) expectString(capture[key], `${path}.${key}`);
  expectNumber(capture.seq, `${path}.seq`);
  if (capture.channel !== null) expectString(capture.channel, `${path}.channel`);
  expectHeaders(capture.headers, `${path}.headers`);
  const size = expectNumber(capture.size, `${path}.size`);
  const body = expectBase64(capture.bodyBase64, `${path}.bodyBase64`);
  if (body.length !== size) fail(`${path}.size`, `${size}, but the body holds ${body.length} bytes`);
  const verification = expectObject(capture.verification, `${path}.verification`);
  expectString(verification.verdict, `${path}.verification.verdict`);
  expectObject(capture.summary, `${path}.summary`);
  if (capture.payment !== null) expectObject(capture.payment, `${path}.payment`);
  return capture as unknown as Capture;
}

function checkDelivery(value: unknown, path: string): Delivery {
  const delivery = expectObject(value, path);
  for (const key of ['id', 'target', 'startedAt'] as const) expectString(delivery[key], `${path}.${key}`);
  expectNumber(delivery.seq, `${path}.seq`);
  expectNumber(delivery.durationMs, `${path}.durationMs`);
  if (!DELIVERY_KINDS.includes(delivery.kind as DeliveryKind)) fail(`${path}.kind`, `${JSON.stringify(delivery.kind)}, expected one of ${DELIVERY_KINDS.join(', ')}`);
  if (delivery.captureId !== undefined) expectString(delivery.captureId, `${path}.captureId`);
  const request = expectObject(delivery.request, `${path}.request`);
  expectString(request.method, `${path}.request.method`);
  expectHeaders(request.headers, `${path}.request.headers`);
  expectBase64(request.bodyBase64, `${path}.request.bodyBase64`);
  if (delivery.response !== null) {
    const response = expectObject(delivery.response, `${path}.response`);
    expectNumber(response.status, `${path}.response.status`);
    expectHeaders(response.headers, `${path}.response.headers`);
    expectBase64(response.bodyBase64, `${path}.response.bodyBase64`);
    if (typeof response.truncated !== 'boolean') fail(`${path}.response.truncated`, `${describe(response.truncated)}, expected true or false`);
  }
  if (delivery.error !== null) expectString(delivery.error, `${path}.error`);
  return delivery as unknown as Delivery;
}

function fail(path: string, what: string): never {
  throw new ExportFormatError(`The export is damaged: ${path} is ${what}.`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, `${describe(value)}, expected an object`);
  return value as Record<string, unknown>;
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `${describe(value)}, expected an array`);
  return value as unknown[];
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, `${describe(value)}, expected a string`);
  return value as string;
}

function expectNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, `${describe(value)}, expected a number`);
  return value as number;
}

function expectHeaders(value: unknown, path: string): void {
  expectArray(value, path).forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      fail(`${path}[${i}]`, `${describe(pair)}, expected a [name, value] pair of strings`);
    }
  });
}

function expectBase64(value: unknown, path: string): Buffer {
  const text = expectString(value, path);
  if (!BASE64.test(text) || text.length % 4 !== 0) fail(path, 'not base64 text');
  return Buffer.from(text, 'base64');
}
