// Turns captured headers into the headers a replay sends: hop-by-hop ones dropped, Host and Content-Length set, order kept.

import type { HeaderPair } from '../../shared/records.ts';

/** Headers that describe one connection, not the message (RFC 9110 7.6.1), plus Expect (we send the body at once). */
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

/**
 * The headers a replay sends: the forwardable ones in their order, Host (the target's) where the original Host
 * stood (else first) and Content-Length where it stood (else last). No Content-Length for an empty GET/HEAD
 * that had none.
 */
export function buildForwardHeaders(headers: readonly HeaderPair[], options: { host: string; bodyLength: number; method: string }): HeaderPair[] {
  const kept = new Set(filterForwardHeaders(headers));
  const out: HeaderPair[] = [];
  let hostPlaced = false;
  let lengthPlaced = false;
  const wantsLength = options.bodyLength > 0 || !['GET', 'HEAD'].includes(options.method.toUpperCase())
    || headers.some(([name]) => name.toLowerCase() === 'content-length');
  for (const pair of headers) {
    const lower = pair[0].toLowerCase();
    if (kept.has(pair)) {
      out.push([pair[0], pair[1]]);
    } else if (lower === 'host' && !hostPlaced) {
      out.push([pair[0], options.host]);
      hostPlaced = true;
    } else if (lower === 'content-length' && !lengthPlaced && wantsLength) {
      out.push([pair[0], String(options.bodyLength)]);
      lengthPlaced = true;
    }
  }
  if (!hostPlaced) out.unshift(['Host', options.host]);
  if (!lengthPlaced && wantsLength) out.push(['Content-Length', String(options.bodyLength)]);
  return out;
}
