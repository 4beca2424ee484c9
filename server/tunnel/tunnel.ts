// Keeps a public localtunnel tunnel to the ingress port up: opens it with a deadline, proves it with probes through the
// public URL, watches its sockets, and opens a new one with exponential backoff when it dies. Never gives up except on config errors.
// Threat model: only the ingress port is exposed; the probe body (chosen by the caller) proves the public URL still leads here.

import { setTimeout as delay } from 'node:timers/promises';
import type { TunnelState } from '../../shared/events.ts';
import { checkTunnelSettings, openTunnel, TunnelConfigError, type OpenedTunnel } from './open-tunnel.ts';
import type { TunnelProbe } from './probe.ts';

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

/** Consecutive failed probes (with sockets still connected) after which an online tunnel counts as dead. */
const PROBE_FAILURES_TO_DIE = 2;

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

  /** Resolves true when the probe says yes within probeTimeoutMs; false on no, error, timeout or abort. */
  async function runProbe(publicUrl: string, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    const stop = new AbortController();
    const abort = () => stop.abort();
    signal.addEventListener('abort', abort, { once: true });
    const timer = setTimeout(abort, probeTimeoutMs);
    const stopped = new Promise<boolean>((resolve) => stop.signal.addEventListener('abort', () => resolve(false), { once: true }));
    try {
      return await Promise.race([Promise.resolve().then(() => options.probe(publicUrl, stop.signal)).catch(() => false), stopped]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
      stop.abort();
    }
  }

  /** One attempt: control request, first socket, first good probe, all within openTimeoutMs. */
  async function openWithDeadline(): Promise<OpenedTunnel> {
    const deadline = new AbortController();
    const onClose = () => deadline.abort();
    closedSignal.addEventListener('abort', onClose, { once: true });
    const timer = setTimeout(() => deadline.abort(), openTimeoutMs);
    let stage = 'starting';
    try {
      const tunnel = await openTunnel({ host, subdomain: options.subdomain, localPort: options.localPort, signal: deadline.signal, log, onStage: (s) => (stage = s) });
      try {
        stage = `probing ${tunnel.url}: it does not lead to this instance yet`;
        while (!(await runProbe(tunnel.url, deadline.signal))) await delay(Math.min(250, probeIntervalMs), undefined, { signal: deadline.signal });
        return tunnel;
      } catch (error) {
        await tunnel.close();
        throw error;
      }
    } catch (error) {
      if (deadline.signal.aborted && !closedSignal.aborted) throw new Error(`no tunnel after ${openTimeoutMs} ms (${stage})`);
      throw error;
    } finally {
      clearTimeout(timer);
      closedSignal.removeEventListener('abort', onClose);
    }
  }

  /** Probes every probeIntervalMs, sooner on socket trouble; resolves with the reason once the tunnel is dead (or 'closed'). */
  function watchTunnel(tunnel: OpenedTunnel): Promise<string> {
    return new Promise((resolve) => {
      let failures = 0;
      let lastTrouble = '';
      let troubledDuringCheck = false;
      let timer: NodeJS.Timeout | undefined;
      let dueAt = Infinity;
      let inflight: Promise<boolean> | null = null;
      let done = false;
      const finish = (reason: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        closedSignal.removeEventListener('abort', onClose);
        checkNow = null;
        resolve(reason);
      };
      const onClose = () => finish('closed');
      const scheduleCheck = (ms: number) => {
        if (done || inflight || (timer && dueAt <= Date.now() + ms)) return;
        clearTimeout(timer);
        dueAt = Date.now() + ms;
        timer = setTimeout(() => void check(), ms);
      };
      const check = (): Promise<boolean> => {
        if (done) return Promise.resolve(false);
        if (inflight) return inflight;
        clearTimeout(timer);
        timer = undefined;
        inflight = runProbe(tunnel.url, closedSignal).then((ok) => {
          inflight = null;
          if (done) return ok;
          failures = ok ? 0 : failures + 1;
          const troubled = troubledDuringCheck;
          troubledDuringCheck = false;
          const sockets = tunnel.socketCount();
          if (!ok && (sockets === 0 || failures >= PROBE_FAILURES_TO_DIE)) {
            finish(`${tunnel.url} no longer leads here (${failures} failed probe(s), ${sockets} tunnel socket(s) left${lastTrouble ? `, last: ${lastTrouble}` : ''})`);
          } else {
            scheduleCheck(ok && !troubled ? probeIntervalMs : Math.min(probeIntervalMs, ok ? 250 : 1_000));
          }
          return ok;
        });
        return inflight;
      };
      tunnel.onTrouble((why) => {
        lastTrouble = why;
        if (inflight) troubledDuringCheck = true;
        scheduleCheck(Math.min(250, probeIntervalMs)); // a short grace: sockets also cycle normally
      });
      closedSignal.addEventListener('abort', onClose, { once: true });
      checkNow = check;
      scheduleCheck(probeIntervalMs);
    });
  }

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
      if (lastUrl && lastUrl !== tunnel.url) log(`tunnel: THE PUBLIC URL CHANGED from ${lastUrl} to ${tunnel.url}: callbacks registered with the old URL will not arrive`);
      log(`tunnel: online at ${tunnel.url}`);
      report({ state: 'online', publicUrl: tunnel.url });
      const reason = await watchTunnel(tunnel);
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
