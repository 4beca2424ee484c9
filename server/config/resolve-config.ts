// Resolves the start-up configuration once, at the edge: flags > environment > .env file > defaults.

import { resolve } from 'node:path';
import { FLAGS, type CommandName } from '../cli/flags.ts';
import { readFlagValue, UsageError, type FlagValue, type ParsedArgs } from '../cli/parse-args.ts';
import { parseAllowHost } from '../http/outbound/target-policy.ts';

export interface Config {
  command: CommandName;
  dataDir: string;
  host: string;
  port: number;
  ingressPort: number;
  emulatorPort: number;
  errorStyle: 'observed' | 'documented';
  emulatorSpeed: number;
  emulatorTtlSeconds: number;
  emulatorAuto: boolean;
  maxBodyBytes: number;
  rateLimit: number;
  respond: 'accept' | 'strict' | 'proxy';
  keep: number;
  /** Your app's callback URL (--forward-to / MIAHOOK_APP_URL), or null. */
  forwardTo: string | null;
  allowTargets: string[];
  /** Set in sandbox mode: the real miaPOS API to register payments with. */
  sandbox: SandboxSettings | null;
  tunnel: { enabled: boolean; host: string; subdomain: string | null };
  /** --public-url: the base of a tunnel the user runs (ngrok, cloudflared, a proxy) that leads to the ingress; no localtunnel then. */
  publicUrl: string | null;
}

export interface SandboxSettings {
  baseUrl: string;
  merchantId: string;
  secretKey: string;
  terminalId: string;
  language: 'ro' | 'ru' | 'en';
  paymentType: 'qr' | 'rtp';
}

export const DEFAULT_SANDBOX_URL = 'https://ecomm-test.miapos.md';

/** Builds the Config of a serve command; throws UsageError naming the flag or variable at fault. */
export function resolveConfig(args: ParsedArgs, env: Record<string, string | undefined>, dotenv: Record<string, string> = {}, cwd = '.'): Config {
  const value = (name: string): FlagValue => {
    const spec = FLAGS.find((flag) => flag.name === name);
    if (!spec) throw new Error(`unknown flag ${name}`);
    if (args.flags[name] !== undefined) return args.flags[name]!;
    if (spec.env && env[spec.env] !== undefined && env[spec.env] !== '') return readFlagValue(spec, env[spec.env]!, `${spec.env}`);
    if (spec.env && dotenv[spec.env] !== undefined) return readFlagValue(spec, dotenv[spec.env]!, `${spec.env} (in .env)`);
    if (spec.defaultValue === undefined) throw new Error(`flag ${name} has no default`);
    return spec.defaultValue;
  };
  const port = (name: string) => {
    const n = value(name) as number;
    if (!Number.isInteger(n) || n > 65535) throw new UsageError(`--${name} must be a port number 0-65535 (0 picks a free one), got ${n}.`);
    return n;
  };
  const positive = (name: string) => {
    const n = value(name) as number;
    if (!(n > 0)) throw new UsageError(`--${name} must be greater than 0, got ${n}.`);
    return n;
  };
  const read = (name: string) => (env[name] !== undefined && env[name] !== '' ? env[name] : dotenv[name]);
  const sandbox = value('sandbox') || read('MIAPOS_BASE_URL') ? readSandbox(read) : null;
  const tunnelSpec = FLAGS.find((flag) => flag.name === 'tunnel')!;
  const tunnelText = read('MIAHOOK_TUNNEL');
  const tunnelFlag = args.flags.tunnel !== undefined ? Boolean(args.flags.tunnel) : tunnelText !== undefined ? Boolean(readFlagValue(tunnelSpec, tunnelText, 'MIAHOOK_TUNNEL')) : undefined;
  const publicUrl = readPublicUrl(value('public-url') as string);
  if (publicUrl && tunnelFlag) {
    throw new UsageError(`--public-url and --tunnel (or MIAHOOK_TUNNEL) cannot be used together: --public-url means your own tunnel already leads to the ingress, so miahook opens no localtunnel. Drop one of them.`);
  }
  return {
    command: args.command,
    dataDir: resolve(cwd, value('data-dir') as string),
    host: '127.0.0.1',
    port: port('port'),
    ingressPort: port('ingress-port'),
    emulatorPort: port('emulator-port'),
    errorStyle: value('error-style') as Config['errorStyle'],
    emulatorSpeed: positive('emulator-speed'),
    emulatorTtlSeconds: positive('emulator-ttl'),
    emulatorAuto: value('emulator-auto') as boolean,
    maxBodyBytes: parseSize(value('max-body') as string),
    rateLimit: value('rate-limit') as number,
    respond: value('respond') as Config['respond'],
    keep: Math.max(1, Math.floor(positive('keep'))),
    forwardTo: readAppUrl(value('forward-to') as string),
    allowTargets: readAllowTargets(value('allow-target') as string),
    sandbox,
    tunnel: {
      enabled: publicUrl ? false : tunnelFlag ?? sandbox !== null,
      host: readTunnelHost(value('tunnel-host') as string),
      subdomain: (value('subdomain') as string) || null,
    },
    publicUrl,
  };
}

/** The sandbox credentials, all missing ones named in one error. */
function readSandbox(read: (name: string) => string | undefined): SandboxSettings {
  const missing = ['MIAPOS_MERCHANT_ID', 'MIAPOS_SECRET_KEY', 'MIAPOS_TERMINAL_ID'].filter((name) => !read(name));
  if (missing.length) {
    throw new UsageError(`Sandbox mode needs ${missing.join(', ')}: set ${missing.length > 1 ? 'them' : 'it'} in the environment or in a .env file beside where you run miahook (see the README, "Sandbox mode").`);
  }
  const language = read('MIAPOS_LANGUAGE') ?? 'ro';
  if (!['ro', 'ru', 'en'].includes(language)) throw new UsageError(`MIAPOS_LANGUAGE must be ro, ru or en; got "${language}".`);
  const paymentType = (read('MIAPOS_PAYMENT_TYPE') ?? 'qr').toLowerCase();
  if (paymentType !== 'qr' && paymentType !== 'rtp') throw new UsageError(`MIAPOS_PAYMENT_TYPE must be qr or rtp; got "${paymentType}".`);
  const baseUrl = read('MIAPOS_BASE_URL') ?? DEFAULT_SANDBOX_URL;
  if (!/^https?:\/\/[^/]+/.test(baseUrl)) throw new UsageError(`MIAPOS_BASE_URL must be an http(s) URL such as ${DEFAULT_SANDBOX_URL}; got "${baseUrl}".`);
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    merchantId: read('MIAPOS_MERCHANT_ID')!,
    secretKey: read('MIAPOS_SECRET_KEY')!,
    terminalId: read('MIAPOS_TERMINAL_ID')!,
    language: language as SandboxSettings['language'],
    paymentType,
  };
}

function readTunnelHost(text: string): string {
  if (!/^https?:\/\/[^/]+/.test(text)) throw new UsageError(`--tunnel-host must be an http(s) URL such as https://localtunnel.me; got "${text}".`);
  return text.replace(/\/+$/, '');
}

/** A plain http(s) base URL (no credentials, query or fragment), without trailing slashes; null when empty. */
function readPublicUrl(text: string): string | null {
  if (text === '') return null;
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    throw new UsageError(`--public-url must be the plain http(s) base URL your tunnel gives you, such as https://abc123.ngrok-free.app (it must lead to the ingress port); got "${text}".`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function readAppUrl(text: string): string | null {
  if (text === '') return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--forward-to must be a full URL such as http://127.0.0.1:3000/miapos/callback; got "${text}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--forward-to must be an http or https URL; got "${text}".`);
  return url.href;
}

function readAllowTargets(text: string): string[] {
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!parseAllowHost(entry)) throw new UsageError(`--allow-target "${entry}" is not a host, host:port or URL.`);
  }
  return entries;
}

/** Reads "1048576", "512kb", "1mb" into bytes. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`--max-body must be a size like 1048576, 512kb or 1mb; got "${text}".`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1;
  const bytes = Math.floor(Number(match[1]) * factor);
  if (bytes < 1) throw new UsageError('--max-body must be at least 1 byte.');
  return bytes;
}
