// Which captured headers belong to the message and which to one connection (RFC 9110 7.6.1), for replays and curl.

import type { HeaderPair } from './records.ts';

/** Headers that describe one connection, not the message, plus Expect (the body is sent at once). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

/** Drops hop-by-hop headers (and any named in Connection), Host and Content-Length; keeps the rest in order. */
export function filterForwardHeaders(headers: readonly HeaderPair[]): HeaderPair[] {
  const nominated = new Set<string>();
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'connection') continue;
    for (const token of value.split(',')) nominated.add(token.trim().toLowerCase());
  }
  return headers.filter(([name]) => {
    const lower = name.toLowerCase();
    return !HOP_BY_HOP.has(lower) && !lower.startsWith('proxy-') && lower !== 'host' && lower !== 'content-length' && !nominated.has(lower);
  });
}

/** Node's flat rawHeaders list as ordered [name, value] pairs, names and values exactly as received. */
export function pairHeaders(raw: readonly string[]): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}
