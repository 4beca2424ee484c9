// Reads the tunnel password the public localtunnel server asks browsers for: the public IP of this machine, which
// the server tells only to this machine at <tunnel host>/mytunnelpassword. A 404, an error or anything that is not an
// IP address means "none needed" (a self-hosted server has no reminder page). Never guessed another way.

import { isIP } from 'node:net';
import { getText } from './http-get.ts';

const PASSWORD_PATH = '/mytunnelpassword';
const MAX_REDIRECTS = 2;

/** GETs `<host>/mytunnelpassword` (following up to 2 redirects) within `timeoutMs`; the IP address it answers, or null. */
export async function fetchTunnelPassword(host: string, timeoutMs = 3_000): Promise<string | null> {
  const signal = AbortSignal.timeout(timeoutMs);
  let url = `${host.replace(/\/+$/, '')}${PASSWORD_PATH}`;
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const answer = await getText(url, { signal, maxBytes: 256, headers: { accept: 'text/plain' } });
      if (answer.status >= 300 && answer.status < 400 && answer.location) {
        url = new URL(answer.location, url).href;
        continue;
      }
      const text = answer.body.trim();
      return answer.status === 200 && isIP(text) !== 0 ? text : null;
    }
  } catch {
    // unreachable, too slow, or too long: no password to show
  }
  return null;
}
