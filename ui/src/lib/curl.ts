// Builds a curl command that sends exactly the stored bytes: the body travels as base64 through `base64 -d`.

import type { HeaderPair } from '../../../shared/records.ts';

/** Headers curl must not copy: they describe one connection, or curl sets them itself from the body it sends. */
const SKIPPED = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

export interface CurlInput {
  method: string;
  url: string;
  headers: readonly HeaderPair[];
  bodyBase64: string;
}

/** `printf '%s' '<base64>' | base64 -d | curl -sS -X POST '<url>' -H '...' --data-binary @-` */
export function buildCurlCommand(input: CurlInput): string {
  const headerFlags = input.headers
    .filter(([name]) => !SKIPPED.has(name.toLowerCase()) && !name.toLowerCase().startsWith('proxy-'))
    .map(([name, value]) => `-H ${quoteShell(`${name}: ${value}`)}`);
  const hasBody = input.bodyBase64.length > 0;
  // Without an explicit Expect: curl would wait for "100 Continue" on bodies over 1 MB.
  const parts = ['curl', '-sS', '-X', input.method.toUpperCase(), quoteShell(input.url), ...headerFlags];
  if (hasBody) parts.push('-H', quoteShell('Expect:'), '--data-binary', '@-');
  const curl = parts.join(' ');
  return hasBody ? `printf '%s' ${quoteShell(input.bodyBase64)} | base64 -d | ${curl}` : curl;
}

/** Wraps text in single quotes for a POSIX shell. */
export function quoteShell(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
