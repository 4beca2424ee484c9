// Address classes for every place miahook judges an IP (outbound targets, capture senders): loopback, never
// allowed (unspecified, link-local, cloud metadata) or other. Parsed with ipaddr.js; IPv6 forms that carry an
// IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are judged by the IPv4 address they carry.

import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

export type AddressClass =
  | { kind: 'loopback' }
  | { kind: 'forbidden'; reason: string }
  | { kind: 'other' };

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** IPv4 ranges that are never a target, with what they are. */
const FORBIDDEN_V4: Array<[string, string]> = [
  ['0.0.0.0/8', 'an unspecified address (0.0.0.0/8)'],
  ['169.254.0.0/16', 'a link-local address (169.254.0.0/16, where cloud metadata lives)'],
  ['100.100.100.200/32', 'a cloud metadata address'],
];
/** IPv6 ranges that are never a target (after any embedded IPv4 address has been judged). */
const FORBIDDEN_V6: Array<[string, string]> = [
  ['::/128', 'the unspecified address'],
  ['fe80::/10', 'an IPv6 link-local address (fe80::/10)'],
  ['fd00:ec2::254/128', 'the cloud metadata address fd00:ec2::254'],
];
const forbiddenV4 = FORBIDDEN_V4.map(([cidr, what]) => [ipaddr.IPv4.parseCIDR(cidr), what] as const);
const forbiddenV6 = FORBIDDEN_V6.map(([cidr, what]) => [ipaddr.IPv6.parseCIDR(cidr), what] as const);

/** Strips URL brackets and a zone id and lowercases: "[FE80::1%eth0]" -> "fe80::1". */
export function normalizeAddress(address: string): string {
  let text = address.trim().toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  return zone === -1 ? text : text.slice(0, zone);
}

/** True when the text is an IPv4 or IPv6 literal in standard notation (brackets and a zone allowed). */
export function isIpLiteral(address: string): boolean {
  return isIP(normalizeAddress(address)) !== 0;
}

/** An IPv4-mapped IPv6 address as plain IPv4 ("::ffff:10.0.0.1" -> "10.0.0.1"); other addresses normalized. */
export function unmapAddress(address: string): string {
  const text = normalizeAddress(address);
  if (isIP(text) !== 6) return text;
  const parsed = parseIPv6(text);
  return parsed.isIPv4MappedAddress() ? parsed.toIPv4Address().toString() : text;
}

/** True for 127.0.0.0/8, ::1 and their IPv6-embedded forms. Non-IP text is not loopback. */
export function isLoopbackAddress(address: string): boolean {
  return classifyAddress(address).kind === 'loopback';
}

/** Says whether an IP literal is loopback, never allowed, or some other address. Non-IP text is 'other'. */
export function classifyAddress(address: string): AddressClass {
  const text = normalizeAddress(address);
  const family = isIP(text);
  if (family === 4) return classifyIPv4(ipaddr.IPv4.parse(text), address);
  if (family !== 6) return { kind: 'other' };
  const parsed = parseIPv6(text);
  for (const embedded of readEmbeddedIPv4(parsed)) {
    const inner = classifyIPv4(embedded, embedded.toString());
    if (inner.kind === 'forbidden') return { kind: 'forbidden', reason: `${address} embeds ${embedded.toString()}: ${inner.reason}` };
    if (inner.kind === 'loopback') return inner;
  }
  const found = forbiddenV6.find(([range]) => parsed.match(range));
  if (found) return forbidden(address, found[1]);
  return parsed.range() === 'loopback' ? { kind: 'loopback' } : { kind: 'other' };
}

/** ipaddr.js 1.9 cannot read a dotted tail after "::" ("::1.2.3.4"); the WHATWG URL serializer writes it as hex groups. */
function parseIPv6(text: string): IPv6 {
  return ipaddr.IPv6.parse(new URL(`http://[${text}]/`).hostname.slice(1, -1));
}

function classifyIPv4(address: IPv4, text: string): AddressClass {
  if (address.range() === 'loopback') return { kind: 'loopback' };
  const found = forbiddenV4.find(([range]) => address.match(range));
  return found ? forbidden(text, found[1]) : { kind: 'other' };
}

function forbidden(address: string, what: string): AddressClass {
  return { kind: 'forbidden', reason: `${address} is ${what}, never a target` };
}

/**
 * The IPv4 addresses an IPv6 address carries: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64
 * (64:ff9b::a.b.c.d), 6to4 (2002:AABB:CCDD::) and Teredo (server, and the client xor 0xffff).
 */
function readEmbeddedIPv4(address: IPv6): IPv4[] {
  const p = address.parts as [number, number, number, number, number, number, number, number];
  const fromGroups = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const range = address.range();
  if (range === 'ipv4Mapped' || range === 'rfc6052') return [fromGroups(p[6], p[7])];
  if (range === '6to4') return [fromGroups(p[1], p[2])];
  if (range === 'teredo') return [fromGroups(p[2], p[3]), fromGroups(p[6] ^ 0xffff, p[7] ^ 0xffff)];
  const compatible = p.slice(0, 6).every((group) => group === 0) && (p[6] !== 0 || p[7] > 1);
  return compatible ? [fromGroups(p[6], p[7])] : [];
}
