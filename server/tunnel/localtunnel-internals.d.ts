// Types for the parts of localtunnel 2.0.2's Tunnel class (lib/Tunnel.js, CommonJS) that open-tunnel.ts relies on.

declare module 'localtunnel/lib/Tunnel.js' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  /** What the control server answers to `GET /?new` or `GET /<subdomain>`. */
  export interface LocaltunnelAnswer { id: string; port: number; max_conn_count?: number; url: string; ip?: string; cached_url?: string }

  /** Emits `open` (with the remote socket), `dead` (a socket slot closed) and `error` (a refused remote connection). */
  export interface TunnelCluster extends EventEmitter {
    on(event: 'open', listener: (remote: Socket) => void): this;
    on(event: 'dead', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export interface TunnelConfig { host: string; port: number; subdomain?: string }
  export interface TunnelInfo { name: string; url: string; max_conn: number }

  export default class Tunnel extends EventEmitter {
    constructor(opts: TunnelConfig);
    opts: TunnelConfig;
    closed: boolean;
    url?: string;
    clientId?: string;
    tunnelCluster?: TunnelCluster;
    /** Asks the control server for a tunnel; the library's version retries every second forever. */
    _init(cb: (error: Error | null, info?: TunnelInfo) => void): void;
    /** Turns a control answer into connection info (remote host from opts.host, local port from opts.port). */
    _getInfo(body: LocaltunnelAnswer): TunnelInfo;
    open(cb: (error?: Error) => void): void;
    close(): void;
  }
}
