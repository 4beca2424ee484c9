// Classifies IP addresses for replay targets: loopback, never-allowed (unspecified, link-local, cloud metadata) or other.

import { isIPv4, isIPv6 } from 'node:net';

export type AddressClass =
  | { kind: 'loopback' }
  | { kind: 'forbidden'; reason: string }
  | { kind: 'other' };

/** Metadata services outside 169.254.0.0/16 (AWS IPv6, Alibaba Cloud). */
const METADATA_IPV4 = new Set(['100.100.100.200']);
const METADATA_IPV6 = 'fd00:ec2:0:0:0:0:0:254';

/** Strips URL brackets, a zone id and lowercases: "[FE80::1%eth0]" -> "fe80::1". */
export function normalizeAddress(address: string): string {
  let text = address.trim().toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  return zone === -1 ? text : text.slice(0, zone);
}

/** True when the text is an IPv4 or IPv6 literal (brackets allowed). */
export function isIpLiteral(address: string): boolean {
  const text = normalizeAddress(address);
  return isIPv4(text) || isIPv6(text);
}

/** Says whether an IP literal is loopback, never allowed, or some other address. Non-IP text is 'other'. */
export function classifyAddress(address: string): AddressClass {
  const text = normalizeAddress(address);
  if (isIPv4(text)) return classifyIPv4(text.split('.').map(Number), text);
  if (!isIPv6(text)) return { kind: 'other' };
  const groups = parseIPv6(text);
  const embedded = readEmbeddedIPv4(groups);
  if (embedded) {
    const inner = classifyIPv4(embedded, embedded.join('.'));
    if (inner.kind === 'forbidden') return { kind: 'forbidden', reason: `${address} embeds ${embedded.join('.')}: ${inner.reason}` };
    return inner;
  }
  if (groups.every((group) => group === 0)) return forbidden(address, 'the unspecified address');
  if (groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1) return { kind: 'loopback' };
  if ((groups[0]! & 0xffc0) === 0xfe80) return forbidden(address, 'an IPv6 link-local address (fe80::/10)');
  if (groups.join(':') === METADATA_IPV6.split(':').map((group) => parseInt(group, 16)).join(':')) {
    return forbidden(address, 'the cloud metadata address fd00:ec2::254');
  }
  return { kind: 'other' };
}

function classifyIPv4(octets: number[], text: string): AddressClass {
  const [a, b] = octets as [number, number, number, number];
  if (a === 127) return { kind: 'loopback' };
  if (a === 0) return forbidden(text, 'an unspecified address (0.0.0.0/8)');
  if (a === 169 && b === 254) return forbidden(text, 'a link-local address (169.254.0.0/16, where cloud metadata lives)');
  if (METADATA_IPV4.has(octets.join('.'))) return forbidden(text, 'a cloud metadata address');
  return { kind: 'other' };
}

function forbidden(address: string, what: string): AddressClass {
  return { kind: 'forbidden', reason: `${address} is ${what}, never a replay target` };
}

/** IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) forms carry an IPv4 address. */
function readEmbeddedIPv4(groups: number[]): number[] | null {
  const high = groups.slice(0, 6);
  const mapped = high.slice(0, 5).every((group) => group === 0) && high[5] === 0xffff;
  const compatible = high.every((group) => group === 0) && (groups[6] !== 0 || groups[7]! > 1);
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0);
  if (!mapped && !compatible && !nat64) return null;
  return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff];
}

/** Parses a valid IPv6 literal (already checked with isIPv6) into its eight 16-bit groups. */
export function parseIPv6(text: string): number[] {
  let body = text;
  const tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  const last = body.slice(lastColon + 1);
  if (last.includes('.')) {
    const octets = last.split('.').map(Number) as [number, number, number, number];
    tail.push((octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]);
    body = body.slice(0, lastColon + 1) + '0:0';
  }
  const [headText, tailText] = body.split('::') as [string, string | undefined];
  const read = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const head = read(headText);
  let groups: number[];
  if (tailText === undefined) {
    groups = head;
  } else {
    const rest = read(tailText);
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  }
  if (tail.length > 0) groups.splice(6, 2, ...tail);
  return groups;
}
