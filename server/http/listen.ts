// Starts an HTTP server on host:port (0 picks a free port) and returns its lifecycle: url, port, idempotent close().

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  port: number;
  /** Stops accepting, drops open connections; resolves when closed. Safe to call twice. */
  close(): Promise<void>;
}

export async function listen(server: Server, port: number, host: string, beforeClose?: () => void): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    close: () => (closing ??= new Promise<void>((resolve) => {
      beforeClose?.();
      server.close(() => resolve());
      server.closeAllConnections();
    })),
  };
}
