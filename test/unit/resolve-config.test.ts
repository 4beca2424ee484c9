import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../server/cli/parse-args.ts';
import { parseSize, resolveConfig } from '../../server/config/resolve-config.ts';

const resolve = (argv: string[], env: Record<string, string> = {}, dotenv: Record<string, string> = {}) => resolveConfig(parseArgs(argv), env, dotenv, '/work');

describe('resolveConfig', () => {
  it('takes flags over env over .env over defaults', () => {
    expect(resolve([]).port).toBe(4600);
    expect(resolve([], {}, { MIAHOOK_PORT: '5000' }).port).toBe(5000);
    expect(resolve([], { MIAHOOK_PORT: '6000' }, { MIAHOOK_PORT: '5000' }).port).toBe(6000);
    expect(resolve(['--port', '7000'], { MIAHOOK_PORT: '6000' }).port).toBe(7000);
    expect(resolve([]).dataDir).toBe('/work/.miahook');
  });

  it('names the variable at fault', () => {
    expect(() => resolve([], { MIAHOOK_PORT: 'eighty' })).toThrow(/MIAHOOK_PORT must be a number/);
    expect(() => resolve([], {}, { MIAHOOK_RESPOND: 'maybe' })).toThrow(/MIAHOOK_RESPOND \(in \.env\) must be one of accept, strict, proxy/);
    expect(() => resolve(['--port', '70000'])).toThrow(/port number 0-65535/);
  });

  it('stays in emulator mode without a tunnel by default, auto mode on', () => {
    const config = resolve([]);
    expect(config.emulatorAuto).toBe(true);
    expect(resolve(['--no-emulator-auto']).emulatorAuto).toBe(false);
    expect(resolve([], { MIAHOOK_EMULATOR_AUTO: 'false' }).emulatorAuto).toBe(false);
    expect(config.sandbox).toBeNull();
    expect(config.tunnel).toEqual({ enabled: false, host: 'https://localtunnel.me', subdomain: null });
  });

  it('enters sandbox mode with --sandbox or MIAPOS_BASE_URL, tunnel on, credentials from env or .env', () => {
    const env = { MIAPOS_MERCHANT_ID: 'm', MIAPOS_SECRET_KEY: 's' };
    const config = resolve(['--sandbox'], env, { MIAPOS_TERMINAL_ID: 't' });
    expect(config.sandbox).toEqual({ baseUrl: 'https://ecomm-test.miapos.md', merchantId: 'm', secretKey: 's', terminalId: 't', language: 'ro', paymentType: 'qr' });
    expect(config.tunnel.enabled).toBe(true);
    expect(resolve(['--no-tunnel', '--sandbox'], { ...env, MIAPOS_TERMINAL_ID: 't' }).tunnel.enabled).toBe(false);
    expect(resolve([], { ...env, MIAPOS_TERMINAL_ID: 't', MIAPOS_BASE_URL: 'http://127.0.0.1:9/' }).sandbox?.baseUrl).toBe('http://127.0.0.1:9');
  });

  it('takes --public-url (or MIAHOOK_PUBLIC_URL) instead of a localtunnel, also in sandbox mode, never with --tunnel', () => {
    const env = { MIAPOS_MERCHANT_ID: 'm', MIAPOS_SECRET_KEY: 's', MIAPOS_TERMINAL_ID: 't' };
    const config = resolve(['--sandbox', '--public-url', 'https://abc.ngrok-free.app/'], env);
    expect(config.publicUrl).toBe('https://abc.ngrok-free.app');
    expect(config.tunnel.enabled).toBe(false);
    expect(resolve([], { MIAHOOK_PUBLIC_URL: 'http://127.0.0.1:9/hook/' }).publicUrl).toBe('http://127.0.0.1:9/hook');
    expect(resolve([]).publicUrl).toBeNull();
    expect(() => resolve(['--public-url', 'https://a.example', '--tunnel'])).toThrow(/--public-url and --tunnel .* cannot be used together/);
    expect(() => resolve(['--public-url', 'https://a.example'], { MIAHOOK_TUNNEL: '1' })).toThrow(UsageError);
    expect(() => resolve(['--public-url', 'ftp://a.example'])).toThrow(/--public-url must be the plain http\(s\) base URL/);
    expect(() => resolve(['--public-url', 'https://a.example/?x=1'])).toThrow(/--public-url must be/);
    expect(() => resolve(['--public-url', 'not a url'])).toThrow(/--public-url must be/);
  });

  it('names every missing sandbox credential in one error', () => {
    expect(() => resolve(['--sandbox'])).toThrow(new UsageError('Sandbox mode needs MIAPOS_MERCHANT_ID, MIAPOS_SECRET_KEY, MIAPOS_TERMINAL_ID: set them in the environment or in a .env file beside where you run miahook (see the README, "Sandbox mode").'));
    expect(() => resolve(['--sandbox'], { MIAPOS_MERCHANT_ID: 'm', MIAPOS_TERMINAL_ID: 't' })).toThrow(/needs MIAPOS_SECRET_KEY: set it/);
    expect(() => resolve(['--sandbox'], { MIAPOS_MERCHANT_ID: 'm', MIAPOS_SECRET_KEY: 's', MIAPOS_TERMINAL_ID: 't', MIAPOS_LANGUAGE: 'de' })).toThrow(/MIAPOS_LANGUAGE must be ro, ru or en/);
  });

  it('reads --forward-to and --allow-target (repeated or comma-separated)', () => {
    const config = resolve(['--forward-to', 'http://127.0.0.1:3000/cb', '--allow-target', 'app.internal:8443', '--allow-target', 'a.test,b.test']);
    expect(config.forwardTo).toBe('http://127.0.0.1:3000/cb');
    expect(config.allowTargets).toEqual(['app.internal:8443', 'a.test', 'b.test']);
    expect(() => resolve(['--forward-to', 'ftp://x'])).toThrow(/http or https/);
  });
});

describe('parseSize', () => {
  it.each([['1048576', 1048576], ['512kb', 524288], ['1mb', 1048576], ['2M', 2097152], ['10 k', 10240]])('%s -> %d', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });
  it('refuses other text', () => {
    expect(() => parseSize('lots')).toThrow(/--max-body must be a size/);
  });
});
