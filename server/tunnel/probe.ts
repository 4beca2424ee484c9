// Checks a public tunnel URL end to end: GET <publicUrl><path> must reach THIS instance (status 200, an instance-specific body).
// Threat model: a dropped subdomain can be taken by someone else; a body we chose (e.g. a per-launch id) tells them apart.

import { getText } from './http-get.ts';
import { createTimeoutSignal } from './timeout-signal.ts';

/** Resolves true only if the probe path answered through the public URL is ours; never rejects. */
export type TunnelProbe = (publicUrl: string, signal?: AbortSignal) => Promise<boolean>;

export interface HttpProbeOptions {
  /** Path on the ingress that answers the probe, e.g. `/__miahook/probe`. */
  path: string;
  /** The exact body this instance answers on that path. */
  expectBody: string;
  timeoutMs: number;
}

export function createHttpProbe(options: HttpProbeOptions): TunnelProbe {
  const path = options.path.startsWith('/') ? options.path : `/${options.path}`;
  const maxBytes = Buffer.byteLength(options.expectBody) + 1024;
  return async (publicUrl, signal) => {
    const timeout = createTimeoutSignal(options.timeoutMs);
    try {
      const answer = await getText(publicUrl.replace(/\/+$/, '') + path, {
        headers: { 'bypass-tunnel-reminder': '1' },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        maxBytes,
      });
      return answer.status === 200 && answer.body === options.expectBody;
    } catch {
      return false;
    }
  };
}
