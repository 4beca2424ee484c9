// Streams domain events to WebSocket clients: numbered, kept in a ring so a client that reconnects catches up,
// serialised once per event, with a bound on each client's buffered bytes so a stuck tab cannot grow memory.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientMessage, DomainEvent, ServerMessage } from '../../shared/events.ts';
import type { EventBus } from '../events/event-bus.ts';

export interface WsHubOptions {
  bus: EventBus;
  instanceId: string;
  readOnly: boolean;
  /** Rewrites or drops events for this audience (the read-only share view sees less). */
  filter?: (event: DomainEvent) => DomainEvent | null;
  ringSize?: number;
  maxBufferedBytes?: number;
  pingIntervalMs?: number;
  log?: (line: string) => void;
}

export interface WsHub {
  /** Completes an upgrade the caller has already authorised; the client is cut at `expiresAt` (ms) if given. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer, expiresAt?: number): void;
  clientCount(): number;
  /** Closes every client (their access was revoked). */
  disconnectAll(): void;
  close(): void;
}

/** An event in the ring; its JSON is made at most once, and only when some client needs it. */
interface Numbered {
  eventId: number;
  event: DomainEvent;
  text?: string;
}

function serialize(numbered: Numbered): string {
  numbered.text ??= JSON.stringify({ eventId: numbered.eventId, ...numbered.event } satisfies ServerMessage);
  return numbered.text;
}

export function createWsHub(options: WsHubOptions): WsHub {
  const ringSize = options.ringSize ?? 2_000;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const ring: Numbered[] = [];
  let lastEventId = 0;
  const alive = new WeakMap<WebSocket, boolean>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024,
    clientTracking: true,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('miahook') ? 'miahook' : false),
  });

  const unsubscribe = options.bus.subscribe((event) => {
    const visible = options.filter ? options.filter(event) : event;
    if (!visible) return;
    lastEventId += 1;
    const numbered: Numbered = { eventId: lastEventId, event: visible };
    ring.push(numbered);
    if (ring.length > ringSize) ring.shift();
    for (const client of wss.clients) sendBounded(client, serialize(numbered));
  });

  function sendBounded(client: WebSocket, text: string): void {
    if (client.readyState !== client.OPEN) return;
    if (client.bufferedAmount > maxBuffered) {
      options.log?.('ws: a client stopped reading; disconnecting it (it will catch up when it reconnects)');
      client.terminate();
      return;
    }
    client.send(text);
  }

  function resume(client: WebSocket, instanceId: string, since: number): void {
    const oldest = ring[0]?.eventId ?? lastEventId + 1;
    if (instanceId !== options.instanceId || since > lastEventId || since < oldest - 1) {
      const reason = instanceId !== options.instanceId ? 'miahook restarted' : 'too many events were missed';
      sendBounded(client, JSON.stringify({ type: 'resync', reason } satisfies ServerMessage));
      return;
    }
    for (const numbered of ring) if (numbered.eventId > since) sendBounded(client, serialize(numbered));
  }

  wss.on('connection', (client: WebSocket, request: IncomingMessage) => {
    alive.set(client, true);
    client.on('error', (error) => options.log?.(`ws: client error: ${error.message}`));
    client.on('pong', () => alive.set(client, true));
    client.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: ClientMessage;
      try {
        message = JSON.parse(data.toString()) as ClientMessage;
      } catch {
        return;
      }
      if (message?.type === 'resume' && typeof message.lastEventId === 'number') resume(client, String(message.instanceId), message.lastEventId);
    });
    client.send(JSON.stringify({ type: 'hello', instanceId: options.instanceId, lastEventId, readOnly: options.readOnly } satisfies ServerMessage));
    const params = new URLSearchParams((request.url ?? '').split('?')[1] ?? '');
    const since = params.get('lastEventId');
    if (since !== null && /^\d+$/.test(since)) resume(client, params.get('instanceId') ?? '', Number(since));
  });

  const pinger = setInterval(() => {
    for (const client of wss.clients) {
      if (!alive.get(client)) {
        client.terminate();
        continue;
      }
      alive.set(client, false);
      client.ping();
    }
  }, options.pingIntervalMs ?? 20_000);
  pinger.unref();

  return {
    accept(request, socket, head, expiresAt) {
      wss.handleUpgrade(request, socket, head, (client) => {
        if (expiresAt !== undefined) {
          const timer = setTimeout(() => client.close(4001, 'access expired'), Math.max(0, expiresAt - Date.now()));
          timer.unref();
          client.once('close', () => clearTimeout(timer));
        }
        wss.emit('connection', client, request);
      });
    },
    clientCount: () => wss.clients.size,
    disconnectAll() {
      for (const client of wss.clients) client.close(4001, 'access revoked');
    },
    close() {
      clearInterval(pinger);
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
