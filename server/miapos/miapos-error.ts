// One error type for every way a miaPOS API call fails: the three error shapes, 401, timeouts, network.

import { readErrorBody } from '../../shared/protocol.ts';

export class MiaposError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when no answer came (timeout, network). */
    readonly status: number,
    /** The server's code (documented codes, or the observed meaningless "1"), or a local one. */
    readonly code: string,
  ) {
    super(message);
    this.name = 'MiaposError';
  }
}

/** Reads a failed answer (any of the three shapes, or an empty 401) into a MiaposError. */
export function readMiaposError(status: number, bodyText: string, what: string): MiaposError {
  let parsed: unknown = null;
  try {
    parsed = bodyText ? JSON.parse(bodyText) : null;
  } catch {
    // not JSON: fall through to a generic message
  }
  const known = readErrorBody(parsed);
  if (known) return new MiaposError(`miaPOS ${what} failed (HTTP ${status}): ${known.message || known.code}`, status, known.code);
  if (status === 401) return new MiaposError(`miaPOS ${what} failed: HTTP 401 (missing, invalid or expired access token).`, status, 'UNAUTHORIZED');
  const excerpt = bodyText.slice(0, 200).replace(/\s+/g, ' ');
  return new MiaposError(`miaPOS ${what} failed (HTTP ${status})${excerpt ? `: ${excerpt}` : ''}`, status, `HTTP_${status}`);
}
