// Test helper: a small real reverse proxy (what ngrok, cloudflared or nginx would be) in front of a local listener.
// It forwards requests and WebSocket upgrades byte for byte, and can be stopped and started again on the same port.

import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';

export interface ReverseProxy {
  /** http://127.0.0.1:<port>, the same across stop/start. */
  url: string;
  /** Requests forwarded so far. */
  readonly forwarded: number;
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Where requests go (until set: 502, like a tunnel whose local app is not up yet). */
  setTarget(target: string): void;
  close(): Promise<void>;
}

export async function startReverseProxy(target?: string): Promise<ReverseProxy> {
  let to: URL | null = target ? new URL(target) : null;
  let forwarded = 0;
  let server: http.Server | null = null;
  let port = 0;
  const upgraded = new Set<net.Socket>();

  const create = () => {
    const created = http.createServer((req, res) => {
      if (!to) return void res.writeHead(502).end('no upstream yet');
      forwarded++;
      const out = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: withForwardedFor(req), agent: false }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      });
      out.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end('upstream failed')));
      req.pipe(out);
    });
    created.on('upgrade', (req, socket: net.Socket, head) => {
      socket.on('error', () => socket.destroy());
      if (!to) return void socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      upgraded.add(socket);
      socket.once('close', () => upgraded.delete(socket));
      const upstream = net.connect(Number(to.port), to.hostname, () => {
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length) upstream.write(head);
        upstream.pipe(socket).pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
    });
    return created;
  };

  const proxy: ReverseProxy = {
    url: '',
    get forwarded() { return forwarded; },
    async start() {
      if (server) return;
      server = create();
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as net.AddressInfo).port;
    },
    async stop() {
      const running = server;
      if (!running) return;
      server = null;
      const closed = new Promise((resolve) => running.close(resolve));
      running.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      await closed;
    },
    setTarget: (url) => void (to = new URL(url)),
    close: () => proxy.stop(),
  };
  await proxy.start();
  proxy.url = `http://127.0.0.1:${port}`;
  return proxy;
}

/** The raw headers in order and case (hop-by-hop ones dropped), the requester appended to X-Forwarded-For. */
function withForwardedFor(req: http.IncomingMessage): string[] {
  const out: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (/^(connection|keep-alive|x-forwarded-for)$/i.test(req.rawHeaders[i]!)) continue;
    out.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  const previous = req.headers['x-forwarded-for'];
  out.push('X-Forwarded-For', previous ? `${String(previous)}, ${req.socket.remoteAddress}` : req.socket.remoteAddress ?? '');
  return out;
}
