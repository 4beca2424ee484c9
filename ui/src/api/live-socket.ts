// The live event stream: WebSocket /ws (token as a subprotocol), resume from the last event id, reconnect with backoff.

import type { ServerMessage } from '../../../shared/events.ts';
import type { Session } from './session.ts';

export type LiveState = 'connecting' | 'live' | 'reconnecting';
export type NumberedEvent = Extract<ServerMessage, { eventId: number }>;
type Hello = Extract<ServerMessage, { type: 'hello' }>;

export interface LiveHandlers {
  onState(state: LiveState, attempt: number): void;
  /** The first hello of this page: load every list now. */
  onHello(hello: Hello): void;
  onEvent(event: NumberedEvent): void;
  /** Events were missed (miahook restarted, or too many while away): reload every list. */
  onResync(reason: string): void;
}

export interface LiveConnection {
  close(): void;
}

const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000];

/** Opens the stream and keeps it open: after a drop it reconnects and resumes where it left off. */
export function connectLive(session: Session, handlers: LiveHandlers): LiveConnection {
  let socket: WebSocket | null = null;
  let instanceId: string | null = null;
  let lastEventId = 0;
  let latestHello: Hello | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const handleMessage = (data: ServerMessage) => {
    if (data.type === 'hello') {
      attempt = 0;
      latestHello = data;
      handlers.onState('live', 0);
      if (instanceId === null) {
        instanceId = data.instanceId;
        lastEventId = data.lastEventId;
        handlers.onHello(data);
      }
      return;
    }
    if (data.type === 'resync') {
      if (latestHello) {
        instanceId = latestHello.instanceId;
        lastEventId = latestHello.lastEventId;
      }
      handlers.onResync(data.reason);
      return;
    }
    if (data.eventId <= lastEventId) return;
    lastEventId = data.eventId;
    handlers.onEvent(data);
  };

  const open = () => {
    handlers.onState(instanceId ? 'reconnecting' : 'connecting', attempt);
    const protocols = session.kind === 'owner' ? ['miahook', `miahook.token.${session.token}`] : ['miahook'];
    const current = new WebSocket(buildSocketUrl(session, instanceId, lastEventId), protocols);
    socket = current;
    current.onmessage = (message) => {
      try {
        handleMessage(JSON.parse(String(message.data)) as ServerMessage);
      } catch (error) {
        console.error('miahook: could not handle a live event', error);
      }
    };
    current.onclose = () => {
      if (socket !== current || closed) return;
      socket = null;
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!;
      attempt += 1;
      handlers.onState(instanceId ? 'reconnecting' : 'connecting', attempt);
      timer = setTimeout(open, delay);
    };
  };

  open();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    },
  };
}

function buildSocketUrl(session: Session, instanceId: string | null, lastEventId: number): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = instanceId ? `?${new URLSearchParams({ instanceId, lastEventId: String(lastEventId) })}` : '';
  return `${scheme}//${window.location.host}${session.base}/ws${query}`;
}
