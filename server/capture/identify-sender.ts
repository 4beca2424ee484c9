// Says who sent a request. Behind the tunnel every request comes from 127.0.0.1, so the address the tunnel
// server appended to X-Forwarded-For (the last entry) names the sender; earlier entries are the sender's own words.

import { isIpLiteral, isLoopbackAddress, unmapAddress } from '../net/address-class.ts';

export function identifySender(remoteAddress: string, forwardedFor: string | string[] | undefined): string {
  const peer = unmapAddress(remoteAddress);
  if (!isLoopbackAddress(peer) || forwardedFor === undefined) return peer;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const last = header.split(',').map((part) => part.trim()).filter(Boolean).at(-1);
  return last && isIpLiteral(last) ? unmapAddress(last) : peer;
}
