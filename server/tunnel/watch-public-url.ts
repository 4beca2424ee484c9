// Bring-your-own tunnel (--public-url): nothing to open, but the same proof as for localtunnel: probe the public URL
// every interval and report online while it leads to this instance, offline (with the reason) while it does not.

import type { TunnelState } from '../../shared/events.ts';
import type { TunnelProbe } from './probe.ts';

export interface PublicUrlWatcher {
  state(): TunnelState;
  /** Probes now (joining a probe already running) and reports the result. */
  probeNow(): Promise<boolean>;
  /** Idempotent; stops probing and reports `off`. */
  close(): Promise<void>;
}

export interface WatchPublicUrlOptions {
  publicUrl: string;
  probe: TunnelProbe;
  probeIntervalMs?: number;
  onState: (state: TunnelState) => void;
}

export function watchPublicUrl(options: WatchPublicUrlOptions): PublicUrlWatcher {
  const intervalMs = options.probeIntervalMs ?? 15_000;
  const lifetime = new AbortController();
  let current: TunnelState = { state: 'connecting', attempt: 1 };
  let inflight: Promise<boolean> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | null = null;

  const report = (state: TunnelState) => {
    current = state;
    options.onState(state);
  };
  const check = (): Promise<boolean> => {
    if (lifetime.signal.aborted) return Promise.resolve(false);
    clearTimeout(timer);
    inflight ??= options.probe(options.publicUrl, lifetime.signal).then((ok) => {
      inflight = null;
      if (lifetime.signal.aborted) return ok;
      if (ok && current.state !== 'online') report({ state: 'online', publicUrl: options.publicUrl });
      if (!ok && current.state !== 'offline') {
        report({ state: 'offline', publicUrl: options.publicUrl, reason: `${options.publicUrl} does not lead to this instance's ingress right now (is your tunnel or proxy running?)` });
      }
      timer = setTimeout(() => void check(), intervalMs);
      return ok;
    });
    return inflight;
  };
  Promise.resolve().then(() => {
    report(current);
    return check();
  }).catch(() => {});

  return {
    state: () => current,
    probeNow: check,
    close() {
      closing ??= (async () => {
        lifetime.abort();
        clearTimeout(timer);
        await inflight?.catch(() => false);
        report({ state: 'off' });
      })();
      return closing;
    },
  };
}
