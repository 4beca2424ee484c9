// Test helper: a WebSocket client of the inspector stream that collects messages and waits for one.

import WebSocket from 'ws';
import type { ServerMessage } from '../../shared/events.ts';
import { waitFor } from './wait-for.ts';

export interface StreamClient {
  messages: ServerMessage[];
  frames: string[];
  next<T extends ServerMessage>(match: (message: ServerMessage) => message is T, timeoutMs?: number): Promise<T>;
  send(message: unknown): void;
  /** Resolves with the close code when the server (or we) close the socket. */
  closed: Promise<number>;
  close(): Promise<void>;
}

export function connectStream(url: string, token: string, query = ''): Promise<StreamClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws${query}`, ['miahook', `miahook.token.${token}`]);
    const messages: ServerMessage[] = [];
    const frames: string[] = [];
    let seen = 0;
    const closed = new Promise<number>((done) => ws.on('close', (code) => done(code)));
    ws.on('message', (data) => {
      frames.push(data.toString());
      messages.push(JSON.parse(data.toString()) as ServerMessage);
    });
    ws.on('error', reject);
    ws.on('open', () => resolve({
      messages,
      frames,
      async next(match, timeoutMs = 5000) {
        const found = await waitFor(() => {
          for (let i = seen; i < messages.length; i++) {
            if (match(messages[i]!)) {
              seen = i + 1;
              return messages[i];
            }
          }
          return undefined;
        }, { timeoutMs });
        return found as never;
      },
      send: (message) => ws.send(JSON.stringify(message)),
      closed,
      close: () => new Promise<void>((done) => {
        if (ws.readyState === ws.CLOSED) return done();
        ws.once('close', () => done());
        ws.close();
      }),
    }));
  });
}

export const isType = <K extends ServerMessage['type']>(type: K) => (message: ServerMessage): message is Extract<ServerMessage, { type: K }> => message.type === type;
