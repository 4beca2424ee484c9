// Watches an online tunnel until it is dead: probes through the public URL every interval, sooner when its sockets
// report trouble, and declares it dead after failed probes. The watcher's states are explicit (waiting, probing, dead).

import { setTimeout as delay } from 'node:timers/promises';
import type { OpenedTunnel } from './open-tunnel.ts';

/** Consecutive failed probes (with sockets still connected) after which an online tunnel counts as dead. */
const PROBE_FAILURES_TO_DIE = 2;
/** How soon to probe after socket trouble: a short grace, since sockets also cycle normally. */
const TROUBLE_GRACE_MS = 250;
/** How soon to probe again after one failed probe. */
const RETRY_AFTER_FAILURE_MS = 1_000;

type WatchState =
  | { phase: 'waiting'; dueAt: number }
  | { phase: 'probing'; result: Promise<boolean>; troubled: boolean }
  | { phase: 'dead'; reason: string };

export interface TunnelWatch {
  /** Resolves with why the tunnel is dead, or 'closed' once `closed` aborts. */
  dead: Promise<string>;
  /** Probes now, or joins the probe already running; false once dead. */
  probeNow(): Promise<boolean>;
}

export interface WatchOptions {
  /** Resolves true when the public URL still leads here; never rejects. */
  probe: (publicUrl: string) => Promise<boolean>;
  intervalMs: number;
  closed: AbortSignal;
}

/**
 * waiting --due, or probeNow()--> probing --ok--> waiting (next after intervalMs, or the grace if troubled meanwhile)
 * probing --failed, sockets left and failures < PROBE_FAILURES_TO_DIE--> waiting (retry soon)
 * probing --failed otherwise--> dead; waiting --socket trouble--> waiting, due within the grace; any --closed--> dead
 */
export function watchTunnel(tunnel: OpenedTunnel, options: WatchOptions): TunnelWatch {
  const { intervalMs, closed } = options;
  let state: WatchState = { phase: 'waiting', dueAt: Date.now() + intervalMs };
  let failures = 0;
  let lastTrouble = '';
  /** Aborted to wake the loop when the state changed under its wait. */
  let wake = new AbortController();
  const ended = new AbortController();

  const enter = (next: WatchState) => {
    state = next;
    wake.abort();
  };

  const judge = (probing: Extract<WatchState, { phase: 'probing' }>, ok: boolean) => {
    if (state !== probing) return; // closed meanwhile
    failures = ok ? 0 : failures + 1;
    const sockets = tunnel.socketCount();
    if (!ok && (sockets === 0 || failures >= PROBE_FAILURES_TO_DIE)) {
      return enter({ phase: 'dead', reason: `${tunnel.url} no longer leads here (${failures} failed probe(s), ${sockets} tunnel socket(s) left${lastTrouble ? `, last: ${lastTrouble}` : ''})` });
    }
    const next = ok && !probing.troubled ? intervalMs : Math.min(intervalMs, ok ? TROUBLE_GRACE_MS : RETRY_AFTER_FAILURE_MS);
    enter({ phase: 'waiting', dueAt: Date.now() + next });
  };

  const startProbe = (): Promise<boolean> => {
    if (state.phase === 'probing') return state.result;
    if (state.phase === 'dead') return Promise.resolve(false);
    const probing: Extract<WatchState, { phase: 'probing' }> = { phase: 'probing', troubled: false, result: Promise.resolve(false) };
    probing.result = options.probe(tunnel.url).then((ok) => {
      judge(probing, ok);
      return ok;
    });
    enter(probing);
    return probing.result;
  };

  tunnel.onTrouble((why) => {
    lastTrouble = why;
    if (state.phase === 'probing') state.troubled = true;
    else if (state.phase === 'waiting' && Date.now() + Math.min(TROUBLE_GRACE_MS, intervalMs) < state.dueAt) {
      enter({ phase: 'waiting', dueAt: Date.now() + Math.min(TROUBLE_GRACE_MS, intervalMs) });
    }
  });
  closed.addEventListener('abort', () => enter({ phase: 'dead', reason: 'closed' }), { once: true, signal: ended.signal });
  if (closed.aborted) state = { phase: 'dead', reason: 'closed' };

  const run = async (): Promise<string> => {
    for (;;) {
      if (state.phase === 'dead') return state.reason;
      if (state.phase === 'probing') {
        await state.result;
        continue;
      }
      wake = new AbortController();
      try {
        await delay(Math.max(0, state.dueAt - Date.now()), undefined, { signal: wake.signal });
      } catch {
        continue; // woken: look at the new state
      }
      if (state.phase === 'waiting') void startProbe();
    }
  };

  return {
    dead: run().finally(() => ended.abort()),
    probeNow: startProbe,
  };
}
