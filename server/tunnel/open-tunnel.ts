// Opens one localtunnel 2.0.2 tunnel: our own abortable control request, then the library's socket cluster, watched.
// Threat model: the control server's answer is untrusted input (validated); the library's own `/?new` loop (retries every
// second forever, no timeout, no way to stop it) is never run: the answer is fed to Tunnel through its `_init` hook.

import type { Socket } from 'node:net';
import Tunnel, { type LocaltunnelAnswer, type TunnelCluster, type TunnelInfo } from 'localtunnel/lib/Tunnel.js';
import { getText } from './http-get.ts';

/** A setting that no retry can fix (bad host URL, invalid subdomain, unusable port). */
export class TunnelConfigError extends Error {}

export interface OpenedTunnel {
  url: string;
  id: string;
  /** Tunnel sockets currently connected to the tunnel server. */
  socketCount(): number;
  /** Signs the tunnel may be dead: a refused socket reconnection, or no socket left. Not called after close(). */
  onTrouble(listener: (why: string) => void): void;
  /** Stops the library's reconnection of sockets and waits until every tunnel socket is closed. */
  close(): Promise<void>;
}

export interface OpenTunnelOptions {
  host: string;
  subdomain?: string;
  localPort: number;
  signal: AbortSignal;
  log: (line: string) => void;
  onStage?: (stage: string) => void;
}

const SUBDOMAIN = /^(?:[a-z0-9][a-z0-9-]{4,63}[a-z0-9]|[a-z0-9]{4,63})$/; // the localtunnel server's own rule

/** Checks the settings once, before any attempt; returns the host without trailing slashes. */
export function checkTunnelSettings(host: string, subdomain: string | undefined, localPort: number): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new TunnelConfigError(`the tunnel host must be an http:// or https:// URL, got "${host}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.search || url.hash) {
    throw new TunnelConfigError(`the tunnel host must be a plain http:// or https:// URL, got "${host}"`);
  }
  if (subdomain !== undefined && !SUBDOMAIN.test(subdomain)) {
    throw new TunnelConfigError(`subdomain "${subdomain}" is not allowed: use 4 to 63 lowercase letters, digits or dashes (no dash at either end)`);
  }
  if (!Number.isInteger(localPort) || localPort < 1 || localPort > 65535) throw new TunnelConfigError(`the local port must be 1-65535, got ${localPort}`);
  if (typeof Tunnel.prototype._init !== 'function' || typeof Tunnel.prototype._getInfo !== 'function') {
    throw new TunnelConfigError('the installed localtunnel is not the 2.0.x this wrapper was written for');
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** `GET <host>/?new` or `GET <host>/<subdomain>`; rejects with the server's message, a network error, or on abort. */
export async function requestTunnel(host: string, subdomain: string | undefined, signal: AbortSignal): Promise<LocaltunnelAnswer> {
  const url = `${host}/${subdomain ?? '?new'}`;
  let answer;
  try {
    answer = await getText(url, { signal, maxBytes: 64 * 1024, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error(`cannot reach ${url}: ${(error as Error).message}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    body = undefined;
  }
  const message = typeof (body as { message?: unknown } | undefined)?.message === 'string' ? (body as { message: string }).message : '';
  if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}${message ? `: ${message}` : ''}`);
  return parseAnswer(body, url);
}

function parseAnswer(body: unknown, url: string): LocaltunnelAnswer {
  const { id, port, url: publicUrl, max_conn_count: maxConn, ip } = (body ?? {}) as Record<string, unknown>;
  const valid = typeof id === 'string' && id !== '' && Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536
    && typeof publicUrl === 'string' && /^https?:\/\/\S+$/.test(publicUrl)
    && (maxConn === undefined || (Number.isInteger(maxConn) && (maxConn as number) > 0 && (maxConn as number) <= 64))
    && (ip === undefined || typeof ip === 'string');
  if (!valid) throw new Error(`${url} answered something that is not a localtunnel answer {id, port, url, max_conn_count}`);
  return { id, port: port as number, url: publicUrl, ...(maxConn === undefined ? {} : { max_conn_count: maxConn as number }), ...(ip === undefined ? {} : { ip }) };
}

/** The library's Tunnel, handed an answer we already have instead of running its endless `/?new` retry loop. */
class AnsweredTunnel extends Tunnel {
  readonly #answer: LocaltunnelAnswer;
  constructor(host: string, localPort: number, answer: LocaltunnelAnswer) {
    super({ host, port: localPort }); // never local_host (corrupts binary bodies) nor local_https (throws in a socket handler)
    this.#answer = answer;
  }
  override _init(cb: (error: Error | null, info?: TunnelInfo) => void): void {
    cb(null, this._getInfo(this.#answer));
  }
}

/** Asks for a tunnel and resolves once the first tunnel socket is connected; closes everything it made on failure. */
export async function openTunnel(options: OpenTunnelOptions): Promise<OpenedTunnel> {
  const { host, subdomain, signal, log } = options;
  options.onStage?.(`waiting for ${host}/${subdomain ?? '?new'} to answer`);
  const answer = await requestTunnel(host, subdomain, signal);
  if (subdomain && answer.id !== subdomain) log(`tunnel: subdomain "${subdomain}" was not granted (taken?); the server gave "${answer.id}"`);
  options.onStage?.(`connecting tunnel sockets to ${answer.ip ?? new URL(host).hostname}:${answer.port}`);

  const client = new AnsweredTunnel(host, options.localPort, answer);
  const live = new Set<Socket>();
  const listeners: Array<(why: string) => void> = [];
  let closed = false;
  const reportTrouble = (why: string) => {
    if (!closed) for (const listener of listeners) listener(why);
  };
  client.on('error', (error: Error) => { // without a listener, this event kills the process
    if (closed) return;
    log(`tunnel: socket error: ${error.message}`);
    reportTrouble(error.message);
  });
  client.open(() => {}); // synchronous: our _init answers at once, then the cluster starts connecting
  const cluster = client.tunnelCluster as TunnelCluster;
  cluster.on('open', (remote) => {
    live.add(remote);
    remote.once('close', () => {
      live.delete(remote);
      if (live.size === 0) reportTrouble('no tunnel socket left');
    });
  });

  const tunnel: OpenedTunnel = {
    url: answer.url,
    id: answer.id,
    socketCount: () => live.size,
    onTrouble: (listener) => void listeners.push(listener),
    async close() {
      if (!closed) {
        closed = true;
        client.close(); // sets `closed` so the cluster stops reopening sockets, destroys the open ones
      }
      await Promise.all([...live].map((socket) => new Promise((resolve) => (socket.closed ? resolve(null) : socket.once('close', resolve)))));
    },
  };
  try {
    await waitForFirstSocket(client, cluster, signal);
    return tunnel;
  } catch (error) {
    await tunnel.close();
    throw error;
  }
}

function waitForFirstSocket(client: Tunnel, cluster: TunnelCluster, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      cluster.off('open', onOpen);
      client.off('error', onError);
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error); else resolve();
    };
    const onOpen = () => done();
    const onError = (error: Error) => done(error);
    const onAbort = () => done(new Error('aborted'));
    if (signal.aborted) return onAbort();
    cluster.on('open', onOpen);
    client.on('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
