// The public side of the ingress: the localtunnel tunnel with this launch's probe, and what to say when its URL changes.

import type { TunnelState } from '../../shared/events.ts';
import type { PaymentRecord } from '../../shared/records.ts';
import type { Config } from '../config/resolve-config.ts';
import { createHttpProbe, startTunnel, type TunnelController, type TunnelOptions } from '../tunnel/index.ts';

/** Answers the tunnel's liveness probe on the ingress with this launch's random id. */
export const PROBE_PATH = '/.well-known/miahook-probe';

export type TunnelTimings = Pick<TunnelOptions, 'openTimeoutMs' | 'probeIntervalMs' | 'probeTimeoutMs' | 'backoff'>;

export function startPublicTunnel(deps: { tunnel: Config['tunnel']; timings?: TunnelTimings; ingressPort: number; probeId: string; log: (line: string) => void; onState: (state: TunnelState) => void }): TunnelController {
  return startTunnel({
    localPort: deps.ingressPort,
    host: deps.tunnel.host,
    ...(deps.tunnel.subdomain ? { subdomain: deps.tunnel.subdomain } : {}),
    ...deps.timings,
    probe: createHttpProbe({ path: PROBE_PATH, expectBody: deps.probeId, timeoutMs: deps.timings?.probeTimeoutMs ?? 8_000 }),
    log: deps.log,
    onState: deps.onState,
  });
}

/** The loud message for a new public URL: which open payments still call back to the old one. */
export function describeUrlChange(previous: string, next: string, openPayments: readonly PaymentRecord[]): string {
  const stranded = openPayments.filter((payment) => payment.callbackUrl?.startsWith(previous));
  const list = stranded.map((payment) => `${payment.paymentId} (${payment.status})`).join(', ');
  return `The public URL changed from ${previous} to ${next}. ${stranded.length
    ? `${stranded.length} open payment(s) still send their callback to the old URL, which now leads nowhere: ${list}. miaPOS never retries, so poll them (Payments, "Poll open payments") to learn their outcome.`
    : 'No open payment uses the old URL.'}`;
}
