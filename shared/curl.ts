// Writes a POSIX shell curl command that sends a stored request's exact bytes and headers, in order.
// Pure: the caller says whether the body is UTF-8 text (server and browser each decode with their own TextDecoder).

import { filterForwardHeaders } from './http-headers.ts';
import type { HeaderPair } from './records.ts';

export interface CurlRequest {
  url: string;
  method: string;
  headers: readonly HeaderPair[];
  bodyBase64: string;
  /** The body's byte length. */
  bodyLength: number;
  /** The body as text when it is valid UTF-8, else null. */
  bodyText: string | null;
}

/** Bodies up to this size that are plain text go inline; others (and binary) through base64. */
const INLINE_LIMIT = 64 * 1024;
/** Control characters other than newline: a pasted tab triggers completion, a CR can be eaten by terminals. */
const UNSAFE_INLINE = /[\u0000-\u0009\u000b-\u001f\u007f]/;

/**
 * Builds the command. Text bodies go inline with --data-raw '...' (single quotes keep $, `, " and newlines
 * literal); binary, control-character or large bodies go as `printf '%s' '<base64>' | base64 --decode |
 * curl --data-binary @-`. Host and Content-Length come from curl; curl's own User-Agent, Accept and
 * Content-Type are removed when the request had none, so the app sees the same header set.
 */
export function buildCurl(request: CurlRequest): string {
  const headers = filterForwardHeaders(request.headers);
  const has = (name: string) => headers.some(([key]) => key.toLowerCase() === name);
  const method = request.method.toUpperCase();
  const hasBody = request.bodyLength > 0;
  // One option (with its value) per line.
  const args: string[] = ['curl --globoff --path-as-is'];
  if (method === 'HEAD') args.push('--head');
  else if (method !== (hasBody ? 'POST' : 'GET')) args.push(`-X ${quoteShell(method)}`);
  args.push(quoteShell(request.url));
  const header = (line: string) => args.push(`-H ${quoteShell(line)}`);
  for (const [name, value] of headers) header(value === '' ? `${name};` : `${name}: ${value}`);
  if (!has('user-agent')) header('User-Agent:');
  if (!has('accept')) header('Accept:');
  if (hasBody && !has('content-type')) header('Content-Type:');
  if (request.bodyLength > 1024) header('Expect:');
  if (!hasBody) return args.join(' \\\n  ');
  const text = request.bodyText;
  if (text !== null && request.bodyLength <= INLINE_LIMIT && !UNSAFE_INLINE.test(text)) {
    args.push(`--data-raw ${quoteShell(text)}`);
    return args.join(' \\\n  ');
  }
  args.push('--data-binary @-');
  return `printf '%s' ${quoteShell(request.bodyBase64)} | base64 --decode | ${args.join(' \\\n  ')}`;
}

/** Quotes a string for a POSIX shell: single quotes, with ' written as '\''. */
export function quoteShell(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
