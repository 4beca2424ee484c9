// Starts the embedded miaPOS emulator on its own listener and returns its lifecycle handle.

import { createServer } from 'node:http';
import type { PaymentState, PaymentStatus } from '../../shared/protocol.ts';
import { signString } from '../signature/rsa.ts';
import { createCallbackDispatcher, type DeliveryEntry, type DeliveryStartInfo, type EmulatorDelivery } from './callbacks.ts';
import { loadOrCreateCredentials, type EmulatorCredentials } from './credentials.ts';
import { ensureEmulatorDir } from './data-files.ts';
import { acquireDataDirLock } from '../data-dir/lock.ts';
import { listen } from '../http/listen.ts';
import { isLoopbackHost } from '../http/loopback-host.ts';
import { createDisposalStack } from '../lifecycle/disposal-stack.ts';
import type { ErrorStyle } from './errors.ts';
import { NO_FAULTS, listActiveFaults, readFaultsUpdate, type Faults } from './faults.ts';
import { createMiaposApi } from './miapos-api.ts';
import { toPaymentState } from './payment-json.ts';
import { openPaymentStore } from './payment-store.ts';
import { createPaymentBook } from './payments.ts';
import { createEmulatorApp } from './routes.ts';
import { loadOrCreateSigningKey } from './signing-key.ts';
import { createTokenIssuer, loadOrCreateTokenSecret } from './tokens.ts';

export { EmulatorError, MiaposError, type ErrorStyle } from './errors.ts';
export type { Faults } from './faults.ts';
export type { DeliveryEntry, DeliveryStartInfo, EmulatorDelivery } from './callbacks.ts';
export type { EmulatorCredentials } from './credentials.ts';

export interface EmulatorOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Clock speed-up for auto mode and expiry (default 1). */
  speed?: number;
  /** Seconds before an unpaid payment expires, before dividing by speed (default 300). */
  ttlSeconds?: number;
  /** Default 'observed'. */
  errorStyle?: ErrorStyle;
  /** Default 300. */
  accessTokenSeconds?: number;
  /** Default 432000. */
  refreshTokenSeconds?: number;
  /** Auto mode: an opened checkout page (or an RTP request) goes PENDING then SUCCESS by itself. Default true. */
  autoPay?: boolean;
  /** The terminal's configured defaults, used when /pay omits them. */
  defaultCallbackUrl?: string | (() => string | undefined);
  defaultSuccessUrl?: string;
  defaultFailUrl?: string;
  /** Callback timeout (default 60000 ms, as miaPOS). */
  callbackTimeoutMs?: number;
  /** Fault switches at start (default all off). */
  faults?: Partial<Faults>;
  /** Payments kept on disk (default 5000, newest kept). */
  maxPayments?: number;
  /** Log lines (never carry secrets). */
  log?: (line: string) => void;
  onDeliveryStart?: (info: DeliveryStartInfo) => void;
  onDelivery?: (delivery: EmulatorDelivery) => void;
  /** Every status change, creation included. */
  onPaymentChange?: (state: PaymentState) => void;
}

/** A payment as GET /payment shows it, plus where its callback goes and when it was made. */
export type EmulatorPaymentSummary = PaymentState & { callbackUrl?: string; createdAt: string };

export interface EmulatorHandle {
  url: string;
  port: number;
  credentials: EmulatorCredentials;
  publicKeyBase64: string;
  /** Signs a canonical string with the emulator key (for re-signing replays); base64. */
  signText(text: string): string;
  /** Same rules as the control route; throws EmulatorError (status 400/404/409). */
  setOutcome(paymentId: string, status: PaymentStatus): Promise<PaymentState>;
  getPayment(paymentId: string): PaymentState | undefined;
  /** Every kept payment, newest first, with its callbackUrl. */
  listPayments(): EmulatorPaymentSummary[];
  getFaults(): Faults;
  /** Changes some switches; throws EmulatorError (400) on a bad value. Returns all switches. */
  setFaults(update: Partial<Faults>): Faults;
  /** Recent callback deliveries, newest first. */
  listDeliveries(): DeliveryEntry[];
  /** Idempotent: stops the listener and timers, aborts deliveries in flight, releases the data dir. */
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions): Promise<EmulatorHandle> {
  const speed = options.speed ?? 1;
  const ttlSeconds = options.ttlSeconds ?? 300;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`The emulator speed must be a positive number (got ${speed}).`);
  if (!(ttlSeconds > 0)) throw new Error(`The emulator TTL must be a positive number of seconds (got ${ttlSeconds}).`);
  const host = options.host ?? '127.0.0.1';
  const log = (line: string) => {
    try {
      options.log?.(line);
    } catch {
      // a failing log sink must not break the emulator
    }
  };
  const dir = await ensureEmulatorDir(options.dataDir);
  // Everything acquired below registers its undo here: close() and a start-up that fails half-way share it.
  const stack = createDisposalStack();
  const lock = await acquireDataDirLock(dir, { log });
  stack.defer(() => lock.release());
  try {
    const credentials = await loadOrCreateCredentials(dir);
    const key = await loadOrCreateSigningKey(dir);
    const tokens = createTokenIssuer({
      secret: await loadOrCreateTokenSecret(dir),
      merchantId: credentials.merchantId,
      accessSeconds: options.accessTokenSeconds ?? 300,
      refreshSeconds: options.refreshTokenSeconds ?? 432_000,
    });
    const store = await openPaymentStore(dir, options.maxPayments ?? 5000, log);
    let started = false;
    stack.defer(() => started && store.save().catch((error: Error) => log(`could not save emulator payments: ${error.message}`)));
    let url = '';
    const checkoutUrl = (paymentId: string) => `${url}/checkout?paymentId=${encodeURIComponent(paymentId)}`;
    const signText = (text: string) => signString(text, key.privateKey);
    let faults: Faults = { ...NO_FAULTS, ...readFaultsUpdate(options.faults ?? {}) };
    const dispatcher = createCallbackDispatcher({
      signText,
      faults: () => faults,
      timeoutMs: options.callbackTimeoutMs ?? 60_000,
      ringSize: 200,
      log,
      onDeliveryStart: options.onDeliveryStart,
      onDelivery: options.onDelivery,
    });
    stack.defer(() => dispatcher.close());
    const book = createPaymentBook({
      store,
      speed,
      ttlSeconds,
      autoPay: options.autoPay ?? true,
      defaults: {
        get callbackUrl() {
          const url = options.defaultCallbackUrl;
          return typeof url === 'function' ? url() : url;
        },
        successUrl: options.defaultSuccessUrl,
        failUrl: options.defaultFailUrl,
      },
      log,
      onChange: (payment) => options.onPaymentChange?.(toPaymentState(payment, checkoutUrl(payment.paymentId))),
      onFinal: (payment) => dispatcher.deliver(payment),
    });
    stack.defer(() => book.close());
    const setFaults = (update: Partial<Faults>): Faults => {
      faults = { ...faults, ...readFaultsUpdate(update) };
      log(`fault switches: ${listActiveFaults(faults).join(', ') || 'none'}`);
      return { ...faults };
    };
    const app = createEmulatorApp({
      api: createMiaposApi({ credentials, tokens, book, publicKeyBase64: key.publicKeyBase64, checkoutUrl, log }),
      checkout: { book, autoPay: options.autoPay ?? true, speed, checkoutUrl },
      control: { book, getFaults: () => ({ ...faults }), setFaults, listDeliveries: () => dispatcher.list() },
      errorStyle: options.errorStyle ?? 'observed',
      log,
    });
    let port = 0;
    // DNS rebinding: a web page must not reach the control routes or read deliveries under its own name.
    const server = createServer((req, res) => {
      if (isLoopbackHost(req.headers.host, port) || req.headers.host === `${formatHost(host)}:${port}`) return void app(req, res);
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`The miahook emulator answers only to http://127.0.0.1:${port} (or localhost); this request named Host "${req.headers.host ?? ''}".`);
    });
    const listening = await listen(server, options.port, host).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') throw error;
      throw Object.assign(new Error(`the emulator port ${options.port} on ${host} is in use`), { code: 'EADDRINUSE' });
    });
    stack.defer(() => listening.close());
    port = listening.port;
    url = `http://${formatHost(host)}:${port}`;
    server.on('error', (error) => log(`emulator listener error: ${error.message}`));
    await book.resume();
    started = true;
    log(`miaPOS emulator listening on ${url} (merchant ${credentials.merchantId}, terminals ${credentials.terminalId} qr / ${credentials.rtpTerminalId} rtp)`);

    return {
      url,
      port,
      credentials: { ...credentials },
      publicKeyBase64: key.publicKeyBase64,
      signText,
      async setOutcome(paymentId, status) {
        return toPaymentState(await book.setOutcome(paymentId, status, 'control'), checkoutUrl(paymentId));
      },
      getPayment(paymentId) {
        const payment = book.get(paymentId);
        return payment ? toPaymentState(payment, checkoutUrl(paymentId)) : undefined;
      },
      listPayments() {
        return store.list().map((payment) => ({
          ...toPaymentState(payment),
          ...(payment.callbackUrl ? { callbackUrl: payment.callbackUrl } : {}),
          createdAt: payment.createdAt,
        })).reverse();
      },
      getFaults: () => ({ ...faults }),
      setFaults,
      listDeliveries: () => dispatcher.list(),
      close: () => stack.dispose(),
    };
  } catch (error) {
    await stack.dispose().catch((failure: Error) => log(`clean-up after a failed emulator start failed: ${failure.message}`));
    throw error;
  }
}

/** The host part of the emulator's own URL (wildcard binds are reached through loopback). */
function formatHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
