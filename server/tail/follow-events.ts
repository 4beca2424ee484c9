// Follows an event stream (the local inspector's or a share link's) and keeps following: after a drop it reconnects
// with back-off, says so, and resumes where it left off. A share link the server refuses (revoked, expired, unknown)
// ends it with RefusedLinkError and the server's reason.

import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import type { CaptureListResponse, StatusResponse } from '../../shared/api.ts';
import type { CaptureListItem, DomainEvent, ServerMessage } from '../../shared/events.ts';
import type { StreamEndpoint, TailSource } from './resolve-source.ts';

export class RefusedLinkError extends Error {}

export interface FollowOptions {
  onEvent(event: DomainEvent): void;
  /** A line for the user about the connection (connected, lost, reconnecting, missed events). */
  onNotice(line: string): void;
  /** A one-capture share link: its capture, once, when first followed (its stream carries no captures). */
  onSharedCapture?(item: CaptureListItem): void;
  backoffMs?: readonly number[];
  signal: AbortSignal;
}

const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000];
const STATUS_TIMEOUT_MS = 10_000;

/** Resolves when `signal` aborts; rejects with RefusedLinkError when a share link is refused. */
export async function followEvents(source: TailSource, options: FollowOptions): Promise<void> {
  const backoff = options.backoffMs ?? BACKOFF_MS;
  const position = { instanceId: null as string | null, lastEventId: 0 };
  let attempt = 0;
  let everConnected = false;
  let sharedShown = false;
  while (!options.signal.aborted) {
    let problem: string;
    try {
      const endpoint = await source.endpoint();
      if (source.shared) {
        const status = await checkShareStatus(endpoint, everConnected);
        if (status.sharedCaptureId && !sharedShown) {
          for (const item of await readSharedCaptures(endpoint)) options.onSharedCapture?.(item);
          options.onNotice('this link shows one capture; new captures will not appear here');
          sharedShown = true;
        }
      }
      problem = await runSocket(endpoint, position, {
        ...options,
        onHello: () => {
          options.onNotice(everConnected ? `reconnected to ${source.label}` : `following ${source.label} (Ctrl+C to stop)`);
          everConnected = true;
          attempt = 0;
        },
      });
      if (options.signal.aborted) return;
      if (source.shared) await checkShareStatus(endpoint, true); // a revoked link is closed with 4001: learn why and stop
    } catch (error) {
      if (error instanceof RefusedLinkError) throw error;
      if (options.signal.aborted) return;
      problem = (error as Error).message;
    }
    const wait = backoff[Math.min(attempt, backoff.length - 1)]!;
    attempt += 1;
    options.onNotice(`${everConnected ? 'connection lost' : 'cannot connect'} (${problem}); reconnecting in ${formatSeconds(wait)} (attempt ${attempt})`);
    try {
      await delay(wait, undefined, { signal: options.signal });
    } catch {
      return;
    }
  }
}

/** A share link's status: fine, refused for good (RefusedLinkError with the server's reason), or unreachable (Error).
 *  A bare 404 (no such tunnel) refuses a link never followed yet; later it may be the tunnel reconnecting. */
async function checkShareStatus(endpoint: StreamEndpoint, followedBefore: boolean): Promise<StatusResponse> {
  let response: Response;
  try {
    response = await fetch(endpoint.statusUrl, { headers: endpoint.statusHeaders, signal: AbortSignal.timeout(STATUS_TIMEOUT_MS), redirect: 'manual' });
  } catch (error) {
    throw new Error(`${new URL(endpoint.statusUrl).origin} unreachable: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
  }
  const text = await response.text();
  if (response.ok) return JSON.parse(text) as StatusResponse;
  const apiMessage = readErrorMessage(text);
  if (apiMessage && (response.status === 403 || response.status === 404)) throw new RefusedLinkError(apiMessage);
  if (response.status === 404 && !followedBefore) throw new RefusedLinkError(`${new URL(endpoint.statusUrl).origin} answered 404: no share link there (is the URL complete, and is the tunnel it names still the one in use?)`);
  throw new Error(`the status answered ${response.status}`);
}

/** The list a one-capture link answers: that capture alone. */
async function readSharedCaptures(endpoint: StreamEndpoint): Promise<CaptureListItem[]> {
  const url = endpoint.statusUrl.replace(/\/api\/status$/, '/api/captures');
  const response = await fetch(url, { headers: endpoint.statusHeaders, signal: AbortSignal.timeout(STATUS_TIMEOUT_MS), redirect: 'manual' });
  if (!response.ok) throw new Error(`the shared capture answered ${response.status}`);
  return ((await response.json()) as CaptureListResponse).items;
}

function readErrorMessage(text: string): string | null {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? message : null;
  } catch {
    return null;
  }
}

/** One connection: resolves with why it ended (after the abort signal, too). */
function runSocket(endpoint: StreamEndpoint, position: { instanceId: string | null; lastEventId: number }, options: FollowOptions & { onHello(): void }): Promise<string> {
  return new Promise((resolve) => {
    const query = position.instanceId ? `?instanceId=${encodeURIComponent(position.instanceId)}&lastEventId=${position.lastEventId}` : '';
    const socket = new WebSocket(`${endpoint.wsUrl}${query}`, endpoint.protocols, { headers: endpoint.headers, handshakeTimeout: STATUS_TIMEOUT_MS, maxPayload: 16 * 1024 * 1024 });
    let latestHello: { instanceId: string; lastEventId: number } | null = null;
    let ended = false;
    const end = (why: string) => {
      if (ended) return;
      ended = true;
      options.signal.removeEventListener('abort', onAbort);
      socket.terminate();
      resolve(why);
    };
    const onAbort = () => end('stopped');
    options.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('unexpected-response', (_request, response) => end(`the stream answered ${response.statusCode}`));
    socket.on('error', (error) => end(error.message));
    socket.on('close', (code, reason) => end(`closed${code ? ` ${code}` : ''}${reason.length ? `: ${reason.toString()}` : ''}`));
    socket.on('message', (data) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(data.toString()) as ServerMessage;
      } catch {
        return;
      }
      if (message.type === 'hello') {
        latestHello = { instanceId: message.instanceId, lastEventId: message.lastEventId };
        if (position.instanceId === null) Object.assign(position, latestHello);
        options.onHello();
        return;
      }
      if (message.type === 'resync') {
        options.onNotice(`some events were missed (${message.reason}); following from now`);
        if (latestHello) Object.assign(position, latestHello);
        return;
      }
      if (message.eventId <= position.lastEventId) return;
      position.lastEventId = message.eventId;
      const { eventId: _eventId, ...event } = message;
      options.onEvent(event as DomainEvent);
    });
  });
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}
