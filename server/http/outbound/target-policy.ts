// The one outbound target policy: replays, forwarding and checks go to loopback, the app URL's host and
// --allow-target hosts; emulator callbacks and the tunnel go to any host (like miaPOS); none ever to link-local or metadata.
// Threat model: a target URL chosen by an API caller or an imported file must not reach cloud metadata or
// arbitrary internal hosts; a hostname is checked again on the addresses it resolves to, before connecting.

import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { classifyAddress, isIpLiteral, normalizeAddress } from '../../net/address-class.ts';

export interface TargetPolicy {
  /** The developer's app (--forward-to): its host is always allowed. */
  appUrl?: string;
  /** Hosts named with --allow-target: "host" (any port) or "host:port"; full URLs are read for their host. */
  allowHosts: readonly string[];
  /** Any host that is not link-local/metadata (emulator callbacks, like miaPOS; the tunnel server). */
  anyHost?: boolean;
}

/** Any host but link-local and metadata: emulator callbacks (miaPOS calls back anywhere) and the tunnel server. */
export const ANY_HOST_POLICY: TargetPolicy = Object.freeze({ allowHosts: [], anyHost: true });

export type TargetCheck =
  | { ok: true; url: URL; /** The host was named by the app URL or --allow-target (not just loopback). */ explicit: boolean }
  | { ok: false; reason: string };

/** Resolves a hostname to IP addresses (the default uses the system resolver, like http.request does). */
export type Resolver = (hostname: string) => Promise<string[]>;

/** Raised by the connect-time guard; the sender turns it into a `forbidden target` delivery error. */
export class ForbiddenTargetError extends Error {
  readonly code = 'EFORBIDDENTARGET';
  constructor(readonly reason: string) {
    super(`forbidden target: ${reason}`);
    this.name = 'ForbiddenTargetError';
  }
}

interface HostPattern {
  hostname: string;
  /** null matches any port. */
  port: string | null;
}

/** Checks a target URL as text: scheme, literal addresses and the host allow-list. */
export function checkTarget(url: string, policy: TargetPolicy): TargetCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: `"${url}" is not an absolute URL (expected e.g. http://localhost:3000/callback)` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, reason: `only http and https targets are allowed, not ${parsed.protocol.replace(/:$/, '')}` };
  }
  const hostname = normalizeHostname(parsed.hostname);
  const address = classifyAddress(hostname);
  if (address.kind === 'forbidden') return { ok: false, reason: address.reason };
  const explicit = policy.anyHost === true || isExplicitlyAllowed(parsed, policy);
  if (explicit) return { ok: true, url: parsed, explicit: true };
  if (address.kind === 'loopback' || hostname === 'localhost') return { ok: true, url: parsed, explicit: false };
  return {
    ok: false,
    reason: `host ${parsed.host} is not allowed: replays go to loopback hosts, the app URL's host, or hosts named with --allow-target`,
  };
}

/** Reads one --allow-target value ("host", "host:port", "[::1]:8080", or a URL); null when it names no host. */
export function parseAllowHost(entry: string): HostPattern | null {
  const text = entry.trim();
  if (text === '') return null;
  const isUrl = text.includes('://');
  const bareIPv6 = !isUrl && !text.startsWith('[') && text.includes(':') && isIpLiteral(text);
  try {
    const rest = isUrl ? text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '') : bareIPv6 ? `[${text}]` : text;
    const url = new URL(`http://${rest}`);
    if (url.hostname === '') return null;
    if (!isUrl && (url.pathname !== '/' || url.search || url.hash || url.username)) return null;
    // A non-special scheme keeps a port that http: would drop as its default (":80").
    const port = new URL(`x-port://${rest}`).port;
    return { hostname: normalizeHostname(url.hostname), port: port === '' ? null : port };
  } catch {
    return null;
  }
}

/**
 * A `lookup` for http.request that resolves the host itself and refuses the connection when ANY address is
 * link-local or metadata, or (for hosts allowed only as loopback names, like localhost) not loopback.
 */
export function createGuardedLookup(check: { explicit: boolean }, resolve: Resolver = resolveWithSystem): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    const answer = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => process.nextTick(() => {
      if (error) callback(error, options.all ? [] : '', 0);
      else if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
    resolve(hostname).then(
      (resolved) => {
        const refusal = findRefusal(hostname, resolved, check.explicit);
        if (refusal) return answer(new ForbiddenTargetError(refusal), []);
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const addresses = resolved
          .map((address): LookupAddress => ({ address: normalizeAddress(address), family: address.includes(':') ? 6 : 4 }))
          .filter((address) => wanted === 0 || address.family === wanted);
        if (addresses.length === 0) return answer(notFound(hostname), []);
        return answer(null, addresses);
      },
      (error: NodeJS.ErrnoException) => answer(error, []),
    );
  };
}

/** Why the resolved addresses of a host are refused, or null when the connection may go ahead. */
export function findRefusal(hostname: string, addresses: readonly string[], explicit: boolean): string | null {
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (kind.kind === 'forbidden') return `${hostname} resolves to ${kind.reason}`;
    if (!explicit && kind.kind !== 'loopback') {
      return `${hostname} resolves to ${address}, which is not loopback; name the host with --allow-target to send there`;
    }
  }
  return null;
}

async function resolveWithSystem(hostname: string): Promise<string[]> {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
}

function isExplicitlyAllowed(url: URL, policy: TargetPolicy): boolean {
  const hostname = normalizeHostname(url.hostname);
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  if (policy.appUrl) {
    const app = parseAllowHost(policy.appUrl);
    if (app && app.hostname === hostname) return true;
  }
  return policy.allowHosts.some((entry) => {
    const pattern = parseAllowHost(entry);
    return pattern !== null && pattern.hostname === hostname && (pattern.port === null || pattern.port === port);
  });
}

function normalizeHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

function notFound(hostname: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  error.code = 'ENOTFOUND';
  return error;
}
