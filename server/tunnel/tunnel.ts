// Keeps a public localtunnel tunnel to the ingress port up: opens it with a deadline, proves it with probes through the
// public URL, watches its sockets, and opens a new one with exponential backoff when it dies. Never gives up except on config errors.
// Threat model: only the ingress port is exposed; the probe body (chosen by the caller) proves the public URL still leads here.

import { setTimeout as delay } from 'node:timers/promises';
import type { TunnelState } from '../../shared/events.ts';
import { checkTunnelSettings, openTunnel, TunnelConfigError, type OpenedTunnel } from './open-tunnel.ts';
import type { TunnelProbe } from './probe.ts';
import { createTimeoutSignal } from './timeout-signal.ts';
import { watchTunnel } from './watch-tunnel.ts';

export interface TunnelOptions {
  /** The ingress port. localtunnel connects to `localhost:<localPort>` (no option changes only that: `local_host` also rewrites
   *  bodies); Node 20 tries every address of localhost (::1, then 127.0.0.1), so an ingress on 127.0.0.1 is reached, and the
   *  probe catches a wrong target (another service on [::1]:port, or `--no-network-family-autoselection`). */
  localPort: number;
  /** e.g. https://localtunnel.me, or a self-hosted server such as http://127.0.0.1:PORT */
  host: string;
  subdomain?: string;
  openTimeoutMs?: number;
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  probe: TunnelProbe;
  onState: (state: TunnelState) => void;
  log?: (line: string) => void;
}

export interface TunnelController {
  state(): TunnelState;
  /** Probes the public URL now (joining a probe already running); false when not online. A failure counts toward reconnecting. */
  probeNow(): Promise<boolean>;
  /** Idempotent; aborts any attempt, closes the tunnel, reports `off`; nothing reconnects afterwards. */
  close(): Promise<void>;
}

export function startTunnel(options: TunnelOptions): TunnelController {
  const openTimeoutMs = options.openTimeoutMs ?? 15_000;
  const probeIntervalMs = options.probeIntervalMs ?? 15_000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 8_000;
  const backoff = options.backoff ?? { initialMs: 1_000, maxMs: 30_000 };
  const log = options.log ?? (() => {});
  const lifetime = new AbortController();
  const closedSignal = lifetime.signal;
  let current: TunnelState = { state: 'connecting', attempt: 1 };
  let checkNow: (() => Promise<boolean>) | null = null;
  let closing: Promise<void> | null = null;

  function report(state: TunnelState): void {
    current = state;
    try {
      options.onState(state);
    } catch (error) {
      log(`tunnel: a state listener failed: ${describe(error)}`);
    }
  }

  let host: string;
  try {
    host = checkTunnelSettings(options.host, options.subdomain, options.localPort);
  } catch (error) {
    current = { state: 'failed', reason: describe(error) };
    const failed = current;
    const running = Promise.resolve().then(() => report(failed)); // after the caller holds the controller
    return { state: () => current, probeNow: async () => false, close: () => (closing ??= running.then(() => report({ state: 'off' }))) };
  }

  /** Resolves true when the probe says yes within probeTimeoutMs; false on no, error, timeout or abort (even if the probe ignores its signal). */
  async function runProbe(publicUrl: string, signal: AbortSignal): Promise<boolean> {
    const bounded = AbortSignal.any([signal, createTimeoutSignal(probeTimeoutMs)]);
    if (bounded.aborted) return false;
    const stopped = new AbortController();
    const aborted = new Promise<boolean>((resolve) => bounded.addEventListener('abort', () => resolve(false), { once: true, signal: stopped.signal }));
    try {
      return await Promise.race([Promise.resolve().then(() => options.probe(publicUrl, bounded)).catch(() => false), aborted]);
    } finally {
      stopped.abort();
    }
  }

  /** One attempt: control request, first socket, first good probe, all within openTimeoutMs. */
  async function openWithDeadline(): Promise<OpenedTunnel> {
    const deadline = AbortSignal.any([closedSignal, createTimeoutSignal(openTimeoutMs)]);
    let stage = 'starting';
    try {
      const tunnel = await openTunnel({ host, subdomain: options.subdomain, localPort: options.localPort, signal: deadline, log, onStage: (s) => (stage = s) });
      try {
        stage = `probing ${tunnel.url}: it does not lead to this instance yet`;
        while (!(await runProbe(tunnel.url, deadline))) await delay(Math.min(250, probeIntervalMs), undefined, { signal: deadline });
        return tunnel;
      } catch (error) {
        await tunnel.close();
        throw error;
      }
    } catch (error) {
      if (deadline.aborted && !closedSignal.aborted) throw new Error(`no tunnel after ${openTimeoutMs} ms (${stage})`);
      throw error;
    }
  }

  /**
   * The supervisor, as the states it reports: connecting(1) --open and probed--> online --watch says dead-->
   * reconnecting(1) --open--> online ...; a failed open --> reconnecting(n+1) after backoff; a config error
   * --> failed (final); close() from any state --> off (final).
   */
  async function keepTunnelUp(): Promise<void> {
    let attempt = 1;
    let lastUrl: string | undefined;
    report({ state: 'connecting', attempt });
    while (!closedSignal.aborted) {
      let tunnel: OpenedTunnel;
      try {
        tunnel = await openWithDeadline();
      } catch (error) {
        if (closedSignal.aborted) return;
        if (error instanceof TunnelConfigError) return report({ state: 'failed', reason: error.message });
        const reason = describe(error);
        const wait = Math.min(backoff.initialMs * 2 ** (attempt - 1), backoff.maxMs);
        log(`tunnel: attempt ${attempt} failed (${reason}); next attempt in ${wait} ms`);
        attempt++;
        report({ state: 'reconnecting', attempt, reason, ...(lastUrl ? { lastUrl } : {}) });
        try {
          await delay(wait, undefined, { signal: closedSignal });
        } catch {
          return;
        }
        continue;
      }
      // A changed URL is announced once, by whoever listens to onState (it knows which payments it strands).
      log(`tunnel: online at ${tunnel.url}`);
      const watch = watchTunnel(tunnel, { probe: (url) => runProbe(url, closedSignal), intervalMs: probeIntervalMs, closed: closedSignal });
      checkNow = watch.probeNow;
      report({ state: 'online', publicUrl: tunnel.url });
      const reason = await watch.dead;
      checkNow = null;
      await tunnel.close();
      if (closedSignal.aborted) return;
      lastUrl = tunnel.url;
      attempt = 1;
      log(`tunnel: ${reason}; opening a new tunnel`);
      report({ state: 'reconnecting', attempt, reason, lastUrl });
    }
  }

  const running = Promise.resolve()
    .then(keepTunnelUp)
    .catch((error: unknown) => report({ state: 'failed', reason: `tunnel supervisor crashed: ${describe(error)}` }));

  return {
    state: () => current,
    probeNow: () => (checkNow ? checkNow() : Promise.resolve(false)),
    close() {
      closing ??= (async () => {
        lifetime.abort();
        await running;
        report({ state: 'off' });
      })();
      return closing;
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
