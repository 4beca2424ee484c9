// Copy-as-curl in the browser: decodes the stored bytes and hands them to the shared builder (shared/curl.ts).

import { buildCurl } from '../../../shared/curl.ts';
import type { HeaderPair } from '../../../shared/records.ts';

export { quoteShell } from '../../../shared/curl.ts';

export interface CurlInput {
  method: string;
  url: string;
  headers: readonly HeaderPair[];
  bodyBase64: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function buildCurlCommand(input: CurlInput): string {
  const bytes = Uint8Array.from(atob(input.bodyBase64), (char) => char.charCodeAt(0));
  let bodyText: string | null;
  try {
    bodyText = utf8.decode(bytes);
  } catch {
    bodyText = null;
  }
  return buildCurl({ ...input, bodyLength: bytes.length, bodyText });
}
