// Who may talk to the inspector: loopback Host names only (DNS rebinding), the inspector's own Origin only
// (cross-site requests and WebSocket hijacking), and the per-launch token, compared in constant time.

import { createHash, timingSafeEqual } from 'node:crypto';
import { isLoopbackHost, listLoopbackHosts } from '../http/loopback-host.ts';

export interface AccessGuard {
  /** True when the Host header names this listener by a loopback name and the right port. */
  isAllowedHost(host: string | undefined): boolean;
  /** True when the Origin is this listener's own (absent is allowed: scripts and curl send none). */
  isAllowedOrigin(origin: string | undefined): boolean;
  /** True when the given token is the launch token. */
  isToken(candidate: string | undefined): boolean;
}

export function createAccessGuard(port: () => number, token: string): AccessGuard {
  const expected = digest(token);
  const hosts = () => listLoopbackHosts(port());
  return {
    isAllowedHost: (host) => isLoopbackHost(host, port()),
    isAllowedOrigin: (origin) => origin === undefined || hosts().some((host) => origin.toLowerCase() === `http://${host}`),
    isToken: (candidate) => typeof candidate === 'string' && candidate.length > 0 && timingSafeEqual(digest(candidate), expected),
  };
}

/** Reads `Authorization: Bearer <token>`. */
export function readBearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** Reads the token a browser WebSocket carries as the subprotocol `miahook.token.<token>`. */
export function readProtocolToken(header: string | undefined): string | undefined {
  return (header ?? '').split(',').map((part) => part.trim()).find((part) => part.startsWith('miahook.token.'))?.slice('miahook.token.'.length);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
