import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendRequest } from '../../server/replay/send-request.ts';
import { checkTarget, parseAllowHost, type TargetPolicy } from '../../server/http/outbound/target-policy.ts';
import { startMerchantApp, type MerchantApp } from '../helpers/merchant-app.ts';

const BODY = Buffer.from('{"result":{},"signature":""}');

let app: MerchantApp;
beforeEach(async () => {
  app = await startMerchantApp();
});
afterEach(async () => {
  await app.close();
});

/** A resolver that answers from a table and remembers what it was asked. */
function makeResolver(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const found = table[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  return { asked, resolve };
}

describe('checkTarget', () => {
  const policy: TargetPolicy = { appUrl: 'http://shop.test:3000/miapos/callback', allowHosts: ['staging.example.com', 'api.example.com:8443', '[fd12::5]:80'] };

  it.each([
    'http://localhost:3000/cb',
    'http://LOCALHOST./cb',
    'http://127.0.0.1/cb',
    'http://127.8.9.10:81/cb',
    'http://[::1]:4000/cb',
    'http://[::ffff:127.0.0.1]/cb',
    'http://2130706433/cb',
    'https://shop.test/other',
    'http://shop.test:3000/miapos/callback',
    'https://staging.example.com:9999/cb',
    'https://api.example.com:8443/cb',
    'http://[fd12::5]/cb',
  ])('allows %s', (url) => {
    const check = checkTarget(url, policy);
    expect(check).toMatchObject({ ok: true });
  });

  it.each([
    ['http://169.254.169.254/', /169\.254\.169\.254 is a link-local address/],
    ['http://169.254.1.1:8080/latest', /link-local/],
    ['http://[::ffff:169.254.169.254]/', /embeds 169\.254\.169\.254/],
    ['http://[::ffff:a9fe:a9fe]/', /embeds 169\.254\.169\.254/],
    ['http://[64:ff9b::a9fe:a9fe]/', /embeds 169\.254\.169\.254/],
    ['http://[2002:a9fe:a9fe::]/', /embeds 169\.254\.169\.254/],
    ['http://[fd00:ec2::254]/', /metadata address fd00:ec2::254/],
    ['http://[fe80::1]/', /IPv6 link-local/],
    ['http://[fe80::1%25eth0]/', /not an absolute URL|link-local/],
    ['http://0.0.0.0:3000/', /unspecified/],
    ['http://0/', /unspecified/],
    ['http://[::]/', /unspecified/],
    ['ftp://x/', /only http and https targets are allowed, not ftp/],
    ['file:///etc/passwd', /not file/],
    ['http://evil.example/', /host evil\.example is not allowed/],
    ['https://api.example.com/cb', /not allowed/],
    ['http://10.0.0.5/', /host 10\.0\.0\.5 is not allowed/],
    ['not a url', /not an absolute URL/],
  ])('refuses %s', (url, reason) => {
    const check = checkTarget(url, { ...policy, allowHosts: [...policy.allowHosts, '169.254.169.254', 'fd00:ec2::254'] });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
  });

  it('reads --allow-target values', () => {
    expect(parseAllowHost('Example.COM')).toEqual({ hostname: 'example.com', port: null });
    expect(parseAllowHost('example.com:3000')).toEqual({ hostname: 'example.com', port: '3000' });
    expect(parseAllowHost('https://example.com:8443/x')).toEqual({ hostname: 'example.com', port: '8443' });
    expect(parseAllowHost('fd12::5')).toEqual({ hostname: '[fd12::5]', port: null });
    expect(parseAllowHost('[fd12::5]:80')).toEqual({ hostname: '[fd12::5]', port: '80' });
    expect(parseAllowHost('example.com/path')).toBeNull();
    expect(parseAllowHost('')).toBeNull();
  });
});

describe('sendRequest refuses forbidden targets before any connection', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/',
    'http://[fd00:ec2::254]/',
    'ftp://x/',
  ])('%s', async (target) => {
    const resolver = makeResolver({});
    const sent = await sendRequest({ target, method: 'POST', headers: [], body: BODY, policy: { allowHosts: [] }, resolve: resolver.resolve });
    expect(sent.error).toMatch(/^forbidden target: /);
    expect(sent.response).toBeNull();
    expect(sent.durationMs).toBe(0);
    expect(resolver.asked).toEqual([]);
  });

  it('refuses a host that is not allowed even when it would resolve to loopback', async () => {
    const resolver = makeResolver({ 'app.example': ['127.0.0.1'] });
    const sent = await sendRequest({ target: `http://app.example:${app.port}/`, method: 'POST', headers: [], body: BODY, policy: { allowHosts: [] }, resolve: resolver.resolve });
    expect(sent.error).toMatch(/^forbidden target: host app\.example:\d+ is not allowed/);
    expect(resolver.asked).toEqual([]);
    expect(app.connections()).toBe(0);
  });

  it('connects to an allowed host through the resolver it was given', async () => {
    const resolver = makeResolver({ 'app.example': ['127.0.0.1'] });
    const sent = await sendRequest({ target: `http://app.example:${app.port}/cb`, method: 'POST', headers: [], body: BODY, policy: { allowHosts: ['app.example'] }, resolve: resolver.resolve });
    expect(sent.error).toBeNull();
    expect(resolver.asked).toEqual(['app.example']);
    expect(app.requests[0]!.headers).toContainEqual(['Host', `app.example:${app.port}`]);
  });

  it.each([
    [['169.254.169.254'], /app\.example resolves to 169\.254\.169\.254 is a link-local address/],
    [['127.0.0.1', '169.254.169.254'], /link-local/],
    [['::ffff:169.254.169.254', '127.0.0.1'], /embeds 169\.254\.169\.254/],
    [['fd00:ec2::254'], /metadata/],
  ])('refuses an allowed name resolving to %j, with no connection to any address', async (addresses, reason) => {
    const resolver = makeResolver({ 'app.example': addresses });
    const sent = await sendRequest({ target: `http://app.example:${app.port}/cb`, method: 'POST', headers: [], body: BODY, policy: { allowHosts: ['app.example'] }, resolve: resolver.resolve });
    expect(sent.error).toMatch(/^forbidden target: /);
    expect(sent.error).toMatch(reason);
    expect(sent.response).toBeNull();
    expect(resolver.asked).toEqual(['app.example']);
    expect(app.connections()).toBe(0);
  });

  it('refuses localhost when it resolves to an address that is not loopback', async () => {
    const resolver = makeResolver({ localhost: ['127.0.0.1', '10.1.2.3'] });
    const sent = await sendRequest({ target: `http://localhost:${app.port}/cb`, method: 'POST', headers: [], body: BODY, policy: { allowHosts: [] }, resolve: resolver.resolve });
    expect(sent.error).toMatch(/^forbidden target: localhost resolves to 10\.1\.2\.3, which is not loopback/);
    expect(app.connections()).toBe(0);
  });

  it('sends to localhost through the system resolver', async () => {
    const sent = await sendRequest({ target: `http://localhost:${app.port}/cb`, method: 'POST', headers: [], body: BODY, policy: { allowHosts: [] } });
    expect(sent.error).toBeNull();
    expect(app.requests[0]!.body.equals(BODY)).toBe(true);
  });

  it('allows the configured app URL host', async () => {
    const resolver = makeResolver({ 'shop.test': ['127.0.0.1'] });
    const sent = await sendRequest({ target: `http://shop.test:${app.port}/cb`, method: 'POST', headers: [], body: BODY, policy: { appUrl: `http://shop.test:${app.port}/`, allowHosts: [] }, resolve: resolver.resolve });
    expect(sent.error).toBeNull();
    expect(app.requests).toHaveLength(1);
  });

  it('names a host that does not resolve', async () => {
    const resolver = makeResolver({});
    const sent = await sendRequest({ target: 'http://nowhere.example/cb', method: 'POST', headers: [], body: BODY, policy: { allowHosts: ['nowhere.example'] }, resolve: resolver.resolve });
    expect(sent.error).toBe('host nowhere.example could not be resolved (ENOTFOUND)');
  });
});
