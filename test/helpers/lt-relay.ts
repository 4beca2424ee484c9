// Test helper: a localtunnel-compatible relay on loopback (control server, client-socket server per tunnel, public side).
// URLs: `/?new` gives http://127.0.0.1:<publicPort>; `/<subdomain>` gives http://127.0.0.1:<publicPort>/<subdomain>, a path
// prefix stripped before forwarding (so the URLs differ). A new control request replaces the previous tunnel client.
// With `reminder`, it acts like the public server (loca.lt): a browser User-Agent without a Bypass-Tunnel-Reminder
// header gets 401 and an HTML page asking for the tunnel password, which GET /mytunnelpassword on the control host
// answers as plain text. Without it, it acts like a self-hosted server: no reminder page, /mytunnelpassword is 404.

import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';

export interface RelayOptions {
  port?: number;
  neverAnswer?: boolean;
  publicPort?: number;
  /** The public server's reminder page; `everyone` also stops non-browser callers without the header (to prove a client sends it). */
  reminder?: { password: string; everyone?: boolean; passwordHangs?: boolean };
}

/** What the public server treats as a browser: a standard browser User-Agent. */
const BROWSER_AGENT = /^Mozilla\/5\.0 /;
export interface Relay {
  controlUrl: string;
  publicUrl(): string | null;
  close(): Promise<void>;
  /** Tunnel sockets of the current client. */
  socketCount(): number;
  /** Open connections to the control server (an abandoned `/?new` left hanging shows here). */
  controlConnections(): number;
  /** Control requests received (`/?new` and `/<subdomain>`), answered or not. */
  readonly newCount: number;
  /** Requests the reminder page stopped (401), and those that carried the bypass header. */
  readonly reminded: number;
  readonly bypassed: number;
}

interface TunnelClient { url: string; prefix: string; server: net.Server; live: Set<net.Socket>; idle: net.Socket[]; waiting: Array<(socket: net.Socket) => void> }

export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  let current: TunnelClient | null = null;
  let newCount = 0;
  let reminded = 0;
  let bypassed = 0;
  const publicServer = http.createServer((req, res) => void forwardRequest(req, res));
  publicServer.on('upgrade', (req, socket, head) => void forwardUpgrade(req, socket as net.Socket, head));
  const control = http.createServer((req, res) => void answerControl(req, res));
  await listen(publicServer, options.publicPort ?? 0);
  const controlSockets = new Set<net.Socket>();
  control.on('connection', (socket) => {
    controlSockets.add(socket);
    socket.once('close', () => controlSockets.delete(socket));
  });
  await listen(control, options.port ?? 0);
  const publicBase = `http://127.0.0.1:${portOf(publicServer)}`;

  async function answerControl(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relay');
    if (url.pathname === '/mytunnelpassword') {
      if (!options.reminder) return void res.writeHead(404).end();
      if (options.reminder.passwordHangs) return; // a server that never answers it
      return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(options.reminder.password);
    }
    const subdomain = url.pathname.slice(1);
    if (url.search !== '?new' && !/^[a-z0-9-]{4,63}$/.test(subdomain)) return void res.writeHead(404).end();
    newCount++;
    if (options.neverAnswer) return;
    closeClient(current);
    const client: TunnelClient = { url: subdomain ? `${publicBase}/${subdomain}` : publicBase, prefix: subdomain ? `/${subdomain}` : '', server: net.createServer(), live: new Set(), idle: [], waiting: [] };
    client.server.on('connection', (socket) => {
      client.live.add(socket);
      socket.on('error', () => {});
      socket.once('close', () => { client.live.delete(socket); client.idle = client.idle.filter((s) => s !== socket); });
      const waiter = client.waiting.shift();
      if (waiter) waiter(socket); else client.idle.push(socket);
    });
    current = client;
    await listen(client.server, 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: subdomain || `t${newCount}`, port: portOf(client.server), max_conn_count: 2, url: client.url }));
  }

  /** True when the reminder page stops this request (and answers it, for HTTP). */
  function stopsAtReminder(req: http.IncomingMessage): boolean {
    if (!options.reminder) return false;
    if (req.headers['bypass-tunnel-reminder'] !== undefined) {
      bypassed++;
      return false;
    }
    if (!options.reminder.everyone && !BROWSER_AGENT.test(req.headers['user-agent'] ?? '')) return false;
    reminded++;
    return true;
  }

  async function forwardRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (stopsAtReminder(req)) {
      const page = '<!DOCTYPE html><html><body><h1>Friendly Reminder</h1><p>This website is served for free via a localtunnel. To access the website, please enter the tunnel password below.</p><form method="post"><input name="endpoint_password"><button>Click to Submit</button></form></body></html>';
      return void res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) }).end(page);
    }
    const client = current;
    const path = req.url ?? '/';
    const rest = client ? path.slice(client.prefix.length) : '';
    if (!client || !path.startsWith(client.prefix) || !(rest === '' || rest.startsWith('/') || rest.startsWith('?'))) return void res.writeHead(404).end('no tunnel here');
    const socket = client.idle.shift() ?? await new Promise<net.Socket>((resolve) => client.waiting.push(resolve));
    const out = http.request({ method: req.method, path: rest.startsWith('/') ? rest : `/${rest}`, headers: forwardHeaders(req), createConnection: () => socket }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    out.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end('tunnel socket failed')));
    req.pipe(out);
  }

  /** WebSocket upgrades go through a tunnel socket as raw bytes both ways, as the localtunnel server does. */
  async function forwardUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    if (stopsAtReminder(req)) return void socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n');
    const client = current;
    const path = req.url ?? '/';
    if (!client || !path.startsWith(client.prefix)) return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    const rest = path.slice(client.prefix.length) || '/';
    const tunnel = client.idle.shift() ?? await new Promise<net.Socket>((resolve) => client.waiting.push(resolve));
    const lines = [`${req.method} ${rest} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    tunnel.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) tunnel.write(head);
    tunnel.pipe(socket).pipe(tunnel);
  }

  return {
    controlUrl: `http://127.0.0.1:${portOf(control)}`,
    publicUrl: () => current?.url ?? null,
    socketCount: () => current?.live.size ?? 0,
    controlConnections: () => controlSockets.size,
    get newCount() { return newCount; },
    get reminded() { return reminded; },
    get bypassed() { return bypassed; },
    async close() {
      closeClient(current);
      current = null;
      const closing = [control, publicServer].map((server) => new Promise((resolve) => server.close(resolve)));
      control.closeAllConnections();
      publicServer.closeAllConnections();
      await Promise.all(closing);
    },
  };
}

/** The requester's raw headers in order, hop-by-hop ones dropped, its address appended to X-Forwarded-For. */
function forwardHeaders(req: http.IncomingMessage): string[] {
  const out: string[] = [];
  let forwarded = false;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    let value = req.rawHeaders[i + 1] ?? '';
    if (/^(connection|keep-alive)$/i.test(name)) continue;
    if (/^x-forwarded-for$/i.test(name)) [value, forwarded] = [`${value}, ${req.socket.remoteAddress}`, true];
    out.push(name, value);
  }
  if (!forwarded) out.push('X-Forwarded-For', req.socket.remoteAddress ?? '');
  return out;
}

function closeClient(client: TunnelClient | null): void {
  if (!client) return;
  client.server.close();
  for (const socket of client.live) socket.destroy();
}

async function listen(server: net.Server, port: number): Promise<void> {
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

export interface ReceivedRequest { method: string; path: string; rawHeaders: string[]; body: Buffer }
export interface FakeIngress { port: number; received: ReceivedRequest[]; probeBody: string; close(): Promise<void> }

/** Stands in for the ingress listener: answers GET <probePath> with `probeBody` (mutable), records every other request byte-exact. */
export async function startFakeIngress(probePath: string, probeBody: string): Promise<FakeIngress> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === probePath) return void res.end(ingress.probeBody);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
  });
  await listen(server, 0);
  const ingress: FakeIngress = {
    port: portOf(server),
    received,
    probeBody,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
  return ingress;
}
