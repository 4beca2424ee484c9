// Address classes on ipaddr.js: loopback, link-local and metadata in every written form (mapped, 6to4, Teredo), and who a sender is.

import { describe, expect, it } from 'vitest';
import { classifyAddress, isLoopbackAddress, unmapAddress } from '../../server/net/address-class.ts';
import { identifySender } from '../../server/capture/identify-sender.ts';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1'], ['127.200.1.1'], ['::1'], ['[::1]'], ['::ffff:127.0.0.1'], ['::ffff:7f00:1'], ['::127.0.0.1'], ['64:ff9b::7f00:1'], ['2002:7f00:1::'],
  ])('%s is loopback', (address) => {
    expect(classifyAddress(address)).toEqual({ kind: 'loopback' });
  });

  it.each([
    ['169.254.169.254', /link-local/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['100.100.100.200', /metadata/],
    ['::', /unspecified/],
    ['fe80::1', /IPv6 link-local/],
    ['FE80::1%eth0', /IPv6 link-local/],
    ['febf:ffff::1', /IPv6 link-local/],
    ['fd00:ec2::254', /metadata/],
    ['::ffff:169.254.169.254', /embeds 169\.254\.169\.254/],
    ['::ffff:a9fe:a9fe', /embeds 169\.254\.169\.254/],
    ['::169.254.169.254', /embeds 169\.254\.169\.254/],
    ['64:ff9b::a9fe:a9fe', /embeds 169\.254\.169\.254/],
    ['2002:a9fe:a9fe::', /embeds 169\.254\.169\.254/],
    ['2002:a9fe:a9fe:1234::1', /embeds 169\.254\.169\.254/],
    ['2001:0:a9fe:a9fe::1', /embeds 169\.254\.169\.254/],
    ['2001:0:4136:e378:8000:63bf:5601:5601', /embeds 169\.254\.169\.254/],
  ])('%s is never a target', (address, reason) => {
    const found = classifyAddress(address);
    expect(found.kind).toBe('forbidden');
    if (found.kind === 'forbidden') expect(found.reason).toMatch(reason);
  });

  it.each([['10.0.0.5'], ['8.8.8.8'], ['fd12::5'], ['2002:0a00:0001::'], ['2001:db8::1'], ['example.com'], ['']])('%s is other', (address) => {
    expect(classifyAddress(address)).toEqual({ kind: 'other' });
  });
});

describe('sender addresses', () => {
  it('unmaps IPv4-mapped peers and keeps others', () => {
    expect(unmapAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(unmapAddress('::1')).toBe('::1');
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('128.0.0.1')).toBe(false);
  });

  it('names the last X-Forwarded-For entry only behind a loopback peer', () => {
    expect(identifySender('::ffff:127.0.0.1', '1.1.1.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(identifySender('127.0.0.1', ['1.1.1.1', '::ffff:203.0.113.9'])).toBe('203.0.113.9');
    expect(identifySender('::1', 'not-an-ip')).toBe('::1');
    expect(identifySender('::ffff:10.0.0.7', '203.0.113.9')).toBe('10.0.0.7');
  });
});
