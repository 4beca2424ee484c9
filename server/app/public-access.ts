// The public side of the ingress: a localtunnel tunnel (with its password, when the server asks browsers for one), or
// the user's own tunnel (--public-url), both proved by this launch's probe; and what to say when the public URL changes.

import type { TunnelState } from '../../shared/events.ts';
import type { PaymentRecord } from '../../shared/records.ts';
import type { Config } from '../config/resolve-config.ts';
import { createHttpProbe, startTunnel, type TunnelOptions } from '../tunnel/index.ts';
import { fetchTunnelPassword } from '../tunnel/tunnel-password.ts';
import { watchPublicUrl } from '../tunnel/watch-public-url.ts';

/** Answers the tunnel's liveness probe on the ingress with this launch's random id. */
export const PROBE_PATH = '/.well-known/miahook-probe';

export type TunnelTimings = Pick<TunnelOptions, 'openTimeoutMs' | 'probeIntervalMs' | 'probeTimeoutMs' | 'backoff'> & { passwordTimeoutMs?: number };

export interface PublicAccess {
  /** The public base URL callbacks and share links use (kept while a tunnel reconnects), or null. */
  url(): string | null;
  state(): TunnelState;
  /** The tunnel password teammates' browsers are asked for, once known; null when none is needed. */
  password(): string | null;
  /** The password, waiting (briefly) for a fetch still running. */
  settledPassword(): Promise<string | null>;
  close(): Promise<void>;
}

export interface PublicAccessDeps {
  config: Pick<Config, 'tunnel' | 'publicUrl'>;
  timings?: TunnelTimings;
  ingressPort: number;
  probeId: string;
  log: (line: string) => void;
  /** Every state change; `previousUrl` is the public URL before it. */
  onState: (state: TunnelState, previousUrl: string | null) => void;
  /** A localtunnel tunnel came online and its password (or null) is known. */
  onPassword?: (publicUrl: string, password: string | null) => void;
}

export function startPublicAccess(deps: PublicAccessDeps): PublicAccess {
  const { config, timings } = deps;
  let publicUrl: string | null = config.publicUrl;
  let state: TunnelState = { state: 'off' };
  let password: string | null = null;
  let passwordFetch: Promise<string | null> = Promise.resolve(null);
  const probe = createHttpProbe({ path: PROBE_PATH, expectBody: deps.probeId, timeoutMs: timings?.probeTimeoutMs ?? 8_000 });
  const onState = (next: TunnelState) => {
    const previous = publicUrl;
    state = next;
    if (next.state === 'online') publicUrl = next.publicUrl;
    if (next.state === 'online' && config.tunnel.enabled && next.publicUrl !== previous) {
      password = null;
      const url = next.publicUrl;
      passwordFetch = fetchTunnelPassword(config.tunnel.host, timings?.passwordTimeoutMs).then((found) => {
        if (publicUrl === url) password = found;
        deps.onPassword?.(url, found);
        return found;
      });
    }
    deps.onState(next, previous);
  };

  let stop: () => Promise<void> = async () => {};
  if (config.publicUrl) {
    stop = watchPublicUrl({ publicUrl: config.publicUrl, probe, probeIntervalMs: timings?.probeIntervalMs, onState }).close;
  } else if (config.tunnel.enabled) {
    stop = startTunnel({
      localPort: deps.ingressPort,
      host: config.tunnel.host,
      ...(config.tunnel.subdomain ? { subdomain: config.tunnel.subdomain } : {}),
      ...timings,
      probe,
      log: deps.log,
      onState,
    }).close;
  }
  return {
    url: () => publicUrl,
    state: () => state,
    password: () => password,
    settledPassword: async () => {
      await passwordFetch;
      return password;
    },
    close: () => stop(),
  };
}

/** The loud message for a new public URL: which open payments still call back to the old one. */
export function describeUrlChange(previous: string, next: string, openPayments: readonly PaymentRecord[]): string {
  const stranded = openPayments.filter((payment) => payment.callbackUrl?.startsWith(previous));
  const list = stranded.map((payment) => `${payment.paymentId} (${payment.status})`).join(', ');
  return `The public URL changed from ${previous} to ${next}. ${stranded.length
    ? `${stranded.length} open payment(s) still send their callback to the old URL, which now leads nowhere: ${list}. miaPOS never retries, so poll them (Payments, "Poll open payments") to learn their outcome.`
    : 'No open payment uses the old URL.'}`;
}
