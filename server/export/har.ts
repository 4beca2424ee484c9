// Writes captures and their deliveries as a HAR 1.2 log, loadable in a browser's devtools.

import { STATUS_CODES } from 'node:http';
import type { Capture, Delivery, HeaderPair } from '../../shared/records.ts';

interface HarNameValue { name: string; value: string }

interface HarPostData { mimeType: string; text: string; params?: HarNameValue[]; _encoding?: 'base64' }

interface HarContent { size: number; mimeType: string; text?: string; encoding?: 'base64'; comment?: string }

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    postData?: HarPostData;
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    content: HarContent;
    redirectURL: string;
    headersSize: number;
    bodySize: number;
    comment?: string;
  };
  cache: Record<string, never>;
  timings: { send: number; wait: number; receive: number };
  comment?: string;
  _miahook: Record<string, unknown>;
}

export interface HarLog {
  log: { version: '1.2'; creator: { name: string; version: string }; entries: HarEntry[]; comment?: string };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** One entry per capture (the ingress answer is not stored: status 0), then one per delivery with its real answer. */
export function buildHar(captures: readonly Capture[], deliveriesByCapture: (id: string) => readonly Delivery[], meta: { version: string }): HarLog {
  const entries: HarEntry[] = [];
  for (const capture of captures) {
    entries.push(buildCaptureEntry(capture));
    for (const delivery of deliveriesByCapture(capture.id)) entries.push(buildDeliveryEntry(delivery));
  }
  entries.sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
  return { log: { ...describeHarLog(meta), entries } };
}

/** The HAR log's fields other than its entries. */
export function describeHarLog(meta: { version: string }): Omit<HarLog['log'], 'entries'> {
  return {
    version: '1.2',
    creator: { name: 'miahook', version: meta.version },
    comment: 'Captured callbacks (response status 0: the ingress answer is not recorded) and the deliveries miahook made of them.',
  };
}

export function buildCaptureEntry(capture: Capture): HarEntry {
  const body = Buffer.from(capture.bodyBase64, 'base64');
  const url = buildCaptureUrl(capture);
  return {
    startedDateTime: capture.receivedAt,
    time: 0,
    request: buildRequest(capture.method, url, capture.headers, body),
    response: {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      comment: 'The ingress answer to the sender is not recorded.',
    },
    cache: {},
    timings: { send: 0, wait: 0, receive: 0 },
    comment: `capture ${capture.id}: signature ${capture.verification.verdict}`,
    _miahook: {
      type: 'capture',
      id: capture.id,
      seq: capture.seq,
      channel: capture.channel,
      sender: capture.sender,
      verdict: capture.verification.verdict,
      reason: capture.verification.reason,
    },
  };
}

export function buildDeliveryEntry(delivery: Delivery): HarEntry {
  const body = Buffer.from(delivery.request.bodyBase64, 'base64');
  const response = delivery.response;
  const answer = response ? Buffer.from(response.bodyBase64, 'base64') : Buffer.alloc(0);
  const responseText = response ? encodeText(answer) : null;
  const content: HarContent = response
    ? { size: answer.length, mimeType: findHeader(response.headers, 'content-type') ?? 'x-unknown', text: responseText!.text }
    : { size: 0, mimeType: 'x-unknown' };
  if (responseText?.base64) content.encoding = 'base64';
  if (response?.truncated) content.comment = `Cut at ${answer.length} bytes.`;
  return {
    startedDateTime: delivery.startedAt,
    time: delivery.durationMs,
    request: buildRequest(delivery.request.method, toAbsoluteUrl(delivery.target), delivery.request.headers, body),
    response: {
      status: response?.status ?? 0,
      statusText: response ? (STATUS_CODES[response.status] ?? '') : '',
      httpVersion: response ? 'HTTP/1.1' : '',
      cookies: [],
      headers: toNameValues(response?.headers ?? []),
      content,
      redirectURL: response ? (findHeader(response.headers, 'location') ?? '') : '',
      headersSize: -1,
      bodySize: response ? answer.length : -1,
      ...(delivery.error ? { comment: delivery.error } : {}),
    },
    cache: {},
    timings: { send: 0, wait: delivery.durationMs, receive: 0 },
    comment: `${delivery.kind} ${delivery.id}${delivery.error ? `: ${delivery.error}` : ''}`,
    _miahook: {
      type: 'delivery',
      id: delivery.id,
      seq: delivery.seq,
      kind: delivery.kind,
      captureId: delivery.captureId ?? null,
      edited: delivery.request.edited ?? false,
      preset: delivery.request.preset ?? null,
      error: delivery.error,
    },
  };
}

function buildRequest(method: string, url: string, headers: readonly HeaderPair[], body: Buffer): HarEntry['request'] {
  const request: HarEntry['request'] = {
    method,
    url,
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: toNameValues(headers),
    queryString: readQueryString(url),
    headersSize: -1,
    bodySize: body.length,
  };
  if (body.length > 0) {
    const encoded = encodeText(body);
    request.postData = { mimeType: findHeader(headers, 'content-type') ?? 'application/octet-stream', text: encoded.text };
    if (encoded.base64) request.postData._encoding = 'base64';
  }
  return request;
}

/** The absolute URL the sender used: X-Forwarded-Proto (set by tunnels) or http, the Host header, the path. */
function buildCaptureUrl(capture: Capture): string {
  const proto = findHeader(capture.headers, 'x-forwarded-proto')?.split(',')[0]?.trim();
  const scheme = proto === 'https' ? 'https' : 'http';
  const host = findHeader(capture.headers, 'host') ?? 'localhost';
  try {
    return new URL(capture.url, `${scheme}://${host}`).href;
  } catch {
    return new URL(capture.url.startsWith('/') ? capture.url : `/${capture.url}`, 'http://localhost').href;
  }
}

/** A refused target may not even be a URL; HAR needs an absolute one. */
function toAbsoluteUrl(target: string): string {
  try {
    return new URL(target).href;
  } catch {
    return `urn:miahook:invalid-target:${encodeURIComponent(target)}`;
  }
}

function readQueryString(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function encodeText(bytes: Buffer): { text: string; base64: boolean } {
  try {
    return { text: utf8.decode(bytes), base64: false };
  } catch {
    return { text: bytes.toString('base64'), base64: true };
  }
}

function toNameValues(headers: readonly HeaderPair[]): HarNameValue[] {
  return headers.map(([name, value]) => ({ name, value }));
}

function findHeader(headers: readonly HeaderPair[], name: string): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1];
}
