// Copy-as-curl on the server side: decodes the body bytes and hands them to the shared builder.

import { buildCurl as buildCurlCommand } from '../../shared/curl.ts';
import type { HeaderPair } from '../../shared/records.ts';

export { quoteShell } from '../../shared/curl.ts';

export interface CurlRequest {
  url: string;
  method: string;
  headers: readonly HeaderPair[];
  body: Buffer;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function buildCurl(request: CurlRequest): string {
  let bodyText: string | null;
  try {
    bodyText = utf8.decode(request.body);
  } catch {
    bodyText = null;
  }
  return buildCurlCommand({ url: request.url, method: request.method, headers: request.headers, bodyBase64: request.body.toString('base64'), bodyLength: request.body.length, bodyText });
}
