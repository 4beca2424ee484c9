// Turns captured headers into the headers a replay sends: hop-by-hop ones dropped, Host and Content-Length set, order kept.

import { filterForwardHeaders } from '../../shared/http-headers.ts';
import type { HeaderPair } from '../../shared/records.ts';

export { filterForwardHeaders };

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
