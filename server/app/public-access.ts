// The public side of the ingress, tracked: a localtunnel tunnel (with its password, when the server asks browsers for
// one), or the user's own tunnel (--public-url), both proved by this launch's probe; and what to say when it changes.

import type { DomainEvent, TunnelState } from '../../shared/events.ts';
import type { PaymentRecord } from '../../shared/records.ts';
import type { Config } from '../config/resolve-config.ts';
import { createHttpProbe, startTunnel, type TunnelOptions } from '../tunnel/index.ts';
import { fetchTunnelPassword } from '../tunnel/tunnel-password.ts';
import { watchPublicUrl } from '../tunnel/watch-public-url.ts';

/** Answers the tunnel's liveness probe on the ingress with this launch's random id. */
export const PROBE_PATH = '/.well-known/miahook-probe';

export type TunnelTimings = Pick<TunnelOptions, 'openTimeoutMs' | 'probeIntervalMs' | 'probeTimeoutMs' | 'backoff'> & { passwordTimeoutMs?: number };

export interface PublicAccess {
  /** Opens the tunnel, or starts watching --public-url (nothing without either). Call once. */
  start(listeners: PublicAccessListeners): void;
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
}

export interface PublicAccessListeners {
  /** Every state change; `previousUrl` is the public URL before it. */
  onState: (state: TunnelState, previousUrl: string | null) => void;
  /** A localtunnel tunnel came online and its password (or null) is known. */
  onPassword?: (publicUrl: string, password: string | null) => void;
}

/** The public access of this launch: its URL is known (--public-url) or null until start() opens a tunnel. */
export function createPublicAccess(deps: PublicAccessDeps): PublicAccess {
  const { config, timings } = deps;
  let listeners: PublicAccessListeners = { onState: () => {} };
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
        listeners.onPassword?.(url, found);
        return found;
      });
    }
    listeners.onState(next, previous);
  };

  let stop: () => Promise<void> = async () => {};
  return {
    start(given) {
      listeners = given;
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
    },
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

/**
 * Tells the inspector and the log about a public access state, once; a changed public URL loudly, with the open
 * payments that still call back to the old one (miaPOS never retries).
 */
export function announcePublicState(state: TunnelState, previousUrl: string | null, deps: {
  label: string;
  callbackUrl: () => string;
  openPayments: () => readonly PaymentRecord[];
  emit: (event: DomainEvent) => void;
  log: (line: string) => void;
}): void {
  deps.emit({ type: 'tunnel', tunnel: state });
  if (state.state === 'online') deps.log(`${deps.label} online: ${state.publicUrl} (callback URL ${deps.callbackUrl()})`);
  else if (state.state !== 'connecting') deps.log(`${deps.label} ${state.state}: ${'reason' in state ? state.reason : ''}`);
  if (state.state === 'online' && previousUrl && previousUrl !== state.publicUrl) {
    const message = describeUrlChange(previousUrl, state.publicUrl, deps.openPayments());
    deps.log(`!!! ${message}`);
    deps.emit({ type: 'notice', level: 'warn', message });
  }
}

/** The loud message for a new public URL: which open payments still call back to the old one. */
function describeUrlChange(previous: string, next: string, openPayments: readonly PaymentRecord[]): string {
  const stranded = openPayments.filter((payment) => payment.callbackUrl?.startsWith(previous));
  const list = stranded.map((payment) => `${payment.paymentId} (${payment.status})`).join(', ');
  return `The public URL changed from ${previous} to ${next}. ${stranded.length
    ? `${stranded.length} open payment(s) still send their callback to the old URL, which now leads nowhere: ${list}. miaPOS never retries, so poll them (Payments, "Poll open payments") to learn their outcome.`
    : 'No open payment uses the old URL.'}`;
}
