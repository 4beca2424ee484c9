// Says who sent a request. Behind the tunnel every request comes from 127.0.0.1, so the address the tunnel
// server appended to X-Forwarded-For (the last entry) names the sender; earlier entries are the sender's own words.

import { isIP } from 'node:net';

export function identifySender(remoteAddress: string, forwardedFor: string | string[] | undefined): string {
  const peer = normaliseAddress(remoteAddress);
  if (!isLoopback(peer) || forwardedFor === undefined) return peer;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const last = header.split(',').map((part) => part.trim()).filter(Boolean).at(-1);
  return last && isIP(normaliseAddress(last)) ? normaliseAddress(last) : peer;
}

export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}

function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
